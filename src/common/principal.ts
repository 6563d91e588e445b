/** Who is asking: the identity a verified SigV4 request resolves to. */
export interface Principal {
  readonly accessKeyId: string;
  /** arn:aws:iam::<account>:root or arn:aws:iam::<account>:user/<name>. */
  readonly arn: string;
  readonly accountId: string;
  /** Display name for ListBuckets/ListObjects `Owner`. */
  readonly displayName: string;
}

/** Looks an access key id up; undefined when unknown. The secret never leaves auth/. */
export type CredentialLookup = (accessKeyId: string) => Promise<{ secretAccessKey: string; principal: Principal } | undefined>;
