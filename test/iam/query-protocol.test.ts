/** IAM and STS on the wire: Query-protocol documents, ErrorResponse with Type/Code/Message/RequestId, InvalidAction, auth failures in IAM's codes, S3 unchanged. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { queryRequest } from '../helpers/query-request.js';
import { rawRequest, errorCode } from '../helpers/raw-request.js';

let server: TestServer;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

test('CreateUser answers a CreateUserResponse in the IAM namespace with its Result and ResponseMetadata/RequestId', async () => {
  const r = await queryRequest(server.url, { service: 'iam', params: { Action: 'CreateUser', Version: '2010-05-08', UserName: 'wire' } });
  assert.equal(r.status, 200, r.body);
  assert.match(r.body, new RegExp(`^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<CreateUserResponse xmlns="${IAM_NS}"><CreateUserResult><User><Path>/</Path><UserName>wire</UserName>`));
  assert.match(r.body, new RegExp(`<ResponseMetadata><RequestId>${r.headers['x-amz-request-id'] as string}</RequestId></ResponseMetadata></CreateUserResponse>$`));
});

test('errors are IAM ErrorResponse documents: Type Sender, Code, Message, RequestId, with the code\'s status', async () => {
  const r = await queryRequest(server.url, { service: 'iam', params: { Action: 'GetUser', Version: '2010-05-08', UserName: 'nobody' } });
  assert.equal(r.status, 404);
  assert.equal(r.body, `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${IAM_NS}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The user with name nobody cannot be found.</Message></Error><RequestId>${r.headers['x-amz-request-id'] as string}</RequestId></ErrorResponse>`);
  const dup = await queryRequest(server.url, { service: 'iam', params: { Action: 'CreateUser', Version: '2010-05-08', UserName: 'twice' } });
  assert.equal(dup.status, 200);
  const again = await queryRequest(server.url, { service: 'iam', params: { Action: 'CreateUser', Version: '2010-05-08', UserName: 'twice' } });
  assert.equal(again.status, 409);
  assert.match(again.body, /<Code>EntityAlreadyExists<\/Code>/);
});

test('an unknown Action or a wrong Version is 400 InvalidAction; no Action is MissingAction', async () => {
  const unknown = await queryRequest(server.url, { service: 'iam', params: { Action: 'CreateRole', Version: '2010-05-08' } });
  assert.equal(unknown.status, 400);
  assert.match(unknown.body, /<Code>InvalidAction<\/Code><Message>Could not find operation CreateRole for version 2010-05-08<\/Message>/);
  const version = await queryRequest(server.url, { service: 'iam', params: { Action: 'ListUsers', Version: '2011-06-15' } });
  assert.equal(version.status, 400);
  assert.match(version.body, /<Code>InvalidAction<\/Code>/);
  const inherited = await queryRequest(server.url, { service: 'iam', params: { Action: 'toString', Version: '2010-05-08' } });
  assert.match(inherited.body, /<Code>InvalidAction<\/Code>/, 'an Object.prototype name is no operation');
  const none = await queryRequest(server.url, { service: 'iam', params: { Version: '2010-05-08' } });
  assert.equal(none.status, 400);
  assert.match(none.body, /<Code>MissingAction<\/Code>/);
});

test('authentication failures answer in IAM\'s codes: unknown key InvalidClientTokenId 403, wrong secret SignatureDoesNotMatch 403', async () => {
  const unknown = await queryRequest(server.url, { service: 'sts', params: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, accessKey: 'AKIAUNKNOWNKEY000000' });
  assert.equal(unknown.status, 403);
  assert.match(unknown.body, /^<\?xml[^>]*>\n<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidClientTokenId<\/Code>/);
  const wrong = await queryRequest(server.url, { service: 'iam', params: { Action: 'ListUsers', Version: '2010-05-08' }, secretKey: 'not-the-secret' });
  assert.equal(wrong.status, 403);
  assert.match(wrong.body, /<Code>SignatureDoesNotMatch<\/Code>/);
});

test('GetCallerIdentity answers in the STS namespace with Arn, UserId and Account', async () => {
  const r = await queryRequest(server.url, { service: 'sts', params: { Action: 'GetCallerIdentity', Version: '2011-06-15' } });
  assert.equal(r.status, 200, r.body);
  assert.match(r.body, /<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult><Arn>arn:aws:iam::(\d{12}):root<\/Arn><UserId>\1<\/UserId><Account>\1<\/Account><\/GetCallerIdentityResult>/);
});

test('S3 answers as before beside the Query services: S3 XML errors, not ErrorResponse', async () => {
  const r = await rawRequest(server.url, { method: 'GET', path: '/no-such-bucket-here-xyz' });
  assert.equal(r.status, 404);
  assert.equal(errorCode(r.body), 'NoSuchBucket');
  assert.ok(r.body.includes('<Error><Code>NoSuchBucket</Code>'));
});
