/** TagResource, UntagResource, ListResourceTags. */
import { requiredString, stringList, tagList, type KmsHandler } from './kms-shapes.js';
import { pageOf } from './kms-paging.js';

export const tagResource: KmsHandler = async (input, { service, call }) => {
  await service.tagResource(call, requiredString(input, 'KeyId'), tagList(input, 'Tags'));
  return {};
};

export const untagResource: KmsHandler = async (input, { service, call }) => {
  await service.untagResource(call, requiredString(input, 'KeyId'), stringList(input, 'TagKeys', true));
  return {};
};

export const listResourceTags: KmsHandler = async (input, { service, call }) => {
  const all = await service.listResourceTags(call, requiredString(input, 'KeyId'));
  const { items, ...rest } = pageOf(input, all, (t) => t.TagKey, { operation: 'ListResourceTags', defaultLimit: 50, maxLimit: 50 });
  return { Tags: items, ...rest };
};
