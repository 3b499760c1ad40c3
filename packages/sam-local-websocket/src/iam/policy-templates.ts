/**
 * The SAM policy templates evaluated locally: their parameter names and `Definition`, copied
 * verbatim from the SAM translator's policy_templates.json (samtranslator/policy_templates_data).
 * Any other policy template is reported at start-up and grants nothing.
 */
export const SAM_POLICY_TEMPLATES: Record<string, { parameters: string[]; definition: { Statement: unknown[] } }> = {
  DynamoDBCrudPolicy: {
    parameters: ['TableName'],
    definition: {
      Statement: [
        {
          Action: [
            'dynamodb:GetItem',
            'dynamodb:DeleteItem',
            'dynamodb:PutItem',
            'dynamodb:Scan',
            'dynamodb:Query',
            'dynamodb:UpdateItem',
            'dynamodb:BatchWriteItem',
            'dynamodb:BatchGetItem',
            'dynamodb:DescribeTable',
            'dynamodb:ConditionCheckItem',
          ],
          Effect: 'Allow',
          Resource: [
            {
              'Fn::Sub': [
                'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}',
                {
                  tableName: {
                    Ref: 'TableName',
                  },
                },
              ],
            },
            {
              'Fn::Sub': [
                'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}/index/*',
                {
                  tableName: {
                    Ref: 'TableName',
                  },
                },
              ],
            },
          ],
        },
      ],
    },
  },
  DynamoDBReadPolicy: {
    parameters: ['TableName'],
    definition: {
      Statement: [
        {
          Action: ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:DescribeTable'],
          Effect: 'Allow',
          Resource: [
            {
              'Fn::Sub': [
                'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}',
                {
                  tableName: {
                    Ref: 'TableName',
                  },
                },
              ],
            },
            {
              'Fn::Sub': [
                'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}/index/*',
                {
                  tableName: {
                    Ref: 'TableName',
                  },
                },
              ],
            },
          ],
        },
      ],
    },
  },
  DynamoDBWritePolicy: {
    parameters: ['TableName'],
    definition: {
      Statement: [
        {
          Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
          Effect: 'Allow',
          Resource: [
            {
              'Fn::Sub': [
                'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}',
                {
                  tableName: {
                    Ref: 'TableName',
                  },
                },
              ],
            },
            {
              'Fn::Sub': [
                'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}/index/*',
                {
                  tableName: {
                    Ref: 'TableName',
                  },
                },
              ],
            },
          ],
        },
      ],
    },
  },
  LambdaInvokePolicy: {
    parameters: ['FunctionName'],
    definition: {
      Statement: [
        {
          Action: ['lambda:InvokeFunction'],
          Effect: 'Allow',
          Resource: {
            'Fn::Sub': [
              'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${functionName}*',
              {
                functionName: {
                  Ref: 'FunctionName',
                },
              },
            ],
          },
        },
      ],
    },
  },
};
