import { expect } from 'chai';
import { LocalIam } from '../../../src/iam/authority.js';
import { refusalLine, type IamRefusal } from '../../../src/iam/refusal.js';

const scope = { partition: 'aws-cn', region: 'cn-north-1', accountId: '000000000000' };
const policies = new Map([['BroadcastFunction', [{ effect: 'Allow' as const, actions: ['dynamodb:Scan'], resources: ['*'] }]]]);

describe('local/iam/authority', () => {
  it('issues each function a key id naming it and a secret made for this run', () => {
    const first = new LocalIam('enforce', scope, policies, () => {});
    const second = new LocalIam('enforce', scope, policies, () => {});
    const credentials = first.credentialsOf('BroadcastFunction');
    expect(credentials.accessKeyId).to.equal('LOCALFN-BroadcastFunction');
    expect(credentials.secretAccessKey).to.have.length.greaterThan(30);
    expect(second.credentialsOf('BroadcastFunction').secretAccessKey).to.not.equal(credentials.secretAccessKey);
    expect(first.secretOf(credentials.accessKeyId)).to.equal(credentials.secretAccessKey);
    expect(first.functionOf(credentials.accessKeyId)).to.equal('BroadcastFunction');
    expect(first.secretOf('AKIAIOSFODNN7EXAMPLE')).to.equal(undefined);
    expect(() => first.credentialsOf('Unknown')).to.throw(/no credentials/);
  });

  it('names principals and resources in its partition, region and account', () => {
    const iam = new LocalIam('off', scope, policies, () => {});
    expect(iam.enforced).to.equal(false);
    expect(iam.principalArn('BroadcastFunction')).to.equal('arn:aws-cn:sts::000000000000:assumed-role/BroadcastFunctionRole/BroadcastFunction');
    expect(iam.arnOf('dynamodb', 'table/T')).to.equal('arn:aws-cn:dynamodb:cn-north-1:000000000000:table/T');
  });

  it('decides by the function’s own statements; another function has none', () => {
    const iam = new LocalIam('enforce', scope, policies, () => {});
    expect(iam.decide('BroadcastFunction', 'dynamodb:Scan', 'arn:x')).to.equal('allowed');
    expect(iam.decide('ConnectFunction', 'dynamodb:Scan', 'arn:x')).to.equal('implicitDeny');
  });

  it('reports refusals to its hook, and prints them in the invocation lines’ layout', () => {
    const reported: IamRefusal[] = [];
    const iam = new LocalIam('enforce', scope, policies, (refusal) => reported.push(refusal));
    const refusal: IamRefusal = {
      service: 'dynamodb',
      function: 'BroadcastFunction',
      action: 'dynamodb:PutItem',
      resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/T',
      error: 'AccessDeniedException',
      status: 400,
      reason: 'no identity-based policy allows it',
    };
    iam.refused(refusal);
    expect(reported).to.deep.equal([refusal]);
    expect(refusalLine(refusal)).to.equal(
      'iam          BroadcastFunction  400 AccessDeniedException  dynamodb:PutItem on arn:aws:dynamodb:us-east-1:000000000000:table/T  (no identity-based policy allows it)',
    );
    expect(refusalLine({ service: 'execute-api', error: 'MissingAuthenticationTokenException', status: 403, reason: 'the request is not signed' })).to.equal(
      'iam          (unsigned)  403 MissingAuthenticationTokenException  execute-api  (the request is not signed)',
    );
  });
});
