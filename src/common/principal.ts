/** Who is asking: the identity a verified SigV4 request resolves to (an account root or an IAM user). */
export interface Principal {
  readonly accessKeyId: string;
  /** arn:aws:iam::<account>:root or arn:aws:iam::<account>:user<path><name>. */
  readonly arn: string;
  readonly accountId: string;
  /** The account's display name, for S3's `Owner` elements. */
  readonly displayName: string;
  /** The account's canonical user id, for S3's `Owner` elements. */
  readonly canonicalId: string;
  /** 'root' for the account's root user, 'user' for an IAM user (aws:PrincipalType "Account" / "User"). */
  readonly type: 'root' | 'user';
  /** The IAM user name; undefined for the account root. */
  readonly userName?: string;
  /** aws:userid: the account id for the root, the user's unique id (AIDA…) for a user. */
  readonly userId: string;
}

/** Looks an active access key id up; undefined when unknown, inactive or deleted. The secret never leaves auth/. */
export type CredentialLookup = (accessKeyId: string) => Promise<{ secretAccessKey: string; principal: Principal } | undefined>;
