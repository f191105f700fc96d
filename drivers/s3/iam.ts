/**
 * The IAM actions the S3 driver calls, for a least-privilege policy on the bucket (`ListBucket` and, when the
 * driver may create it, `CreateBucket`) and its objects (`arn:aws:s3:::bucket/prefix*`). Multipart uploads are
 * covered by `PutObject` (plus `AbortMultipartUpload` to clean up a failed one); `HeadBucket` is authorised by
 * `ListBucket`; `DeleteObjects` by `DeleteObject`.
 */
export function requiredS3IamActions(options: { readonly createBucket?: boolean; readonly acl?: boolean } = {}): string[] {
  const actions = ['s3:ListBucket', 's3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'];
  if (options.createBucket ?? true) actions.push('s3:CreateBucket');
  if (options.acl ?? false) actions.push('s3:PutObjectAcl');
  return actions;
}
