import { aws_lambda as lambda } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AuthorizerAlarms, type AuthorizerAlarmsProps } from '../../infra/authorizer-alarms.js';
import { bareStack, logicalIdOfOnly } from './support/synthesized-app.js';

const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authorizer-customer';
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:on-call';

function alarmsTemplate(props: Partial<AuthorizerAlarmsProps> = {}): Template {
  const stack = bareStack();
  const fn = lambda.Function.fromFunctionArn(stack, 'Authorizer', FUNCTION_ARN);
  new AuthorizerAlarms(stack, 'Alarms', {
    modeName: 'customer',
    function: fn,
    alarmTopic: { kind: 'create' },
    metricsNamespace: 'AcmeApiAuthorizer',
    dashboardName: 'AcmeApiAuthorizer-customer',
    displayName: 'Acme API',
    ...props,
  });
  return Template.fromStack(stack);
}

const ON_THE_FUNCTION = [{ Name: 'FunctionName', Value: 'authorizer-customer' }];

describe('AuthorizerAlarms', () => {
  const template = alarmsTemplate();

  it('alarms on the first authorizer error in a minute', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: ON_THE_FUNCTION,
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms on the first throttle in a minute', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: ON_THE_FUNCTION,
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
    });
  });

  it('alarms when the p99 duration exceeds 1000 ms in 3 of 5 minutes by default', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Duration',
      Dimensions: ON_THE_FUNCTION,
      ExtendedStatistic: 'p99',
      Period: 60,
      Threshold: 1000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
  });

  it('has exactly those three alarms, each notifying the topic it creates on ALARM and on OK', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: Record<string, unknown> }[];
    const topic = { Ref: logicalIdOfOnly(template, 'AWS::SNS::Topic') };

    expect(alarms.map((alarm) => alarm.Properties['MetricName'])).toEqual(['Errors', 'Throttles', 'Duration']);
    expect(alarms.map((alarm) => [alarm.Properties['AlarmActions'], alarm.Properties['OKActions']])).toEqual([
      [[topic], [topic]],
      [[topic], [topic]],
      [[topic], [topic]],
    ]);
  });

  it("creates a topic encrypted with its own rotated key, refusing plain HTTP, published to by this account's alarms", () => {
    const key = logicalIdOfOnly(template, 'AWS::KMS::Key');
    const topic = logicalIdOfOnly(template, 'AWS::SNS::Topic');

    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'Acme API authorizer alarms, mode customer',
      KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Resource: { Ref: topic },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
  });

  it('uses the given p99 threshold', () => {
    alarmsTemplate({ p99LatencyThresholdMs: 250 }).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Duration',
      Threshold: 250,
    });
  });

  it('notifies the given SNS topic on ALARM and on OK from every alarm', () => {
    const given = alarmsTemplate({ alarmTopic: { kind: 'existing', arn: TOPIC_ARN } });
    const alarms = Object.values(given.findResources('AWS::CloudWatch::Alarm')) as {
      Properties: Record<string, unknown>;
    }[];

    expect(alarms.map((alarm) => [alarm.Properties['AlarmActions'], alarm.Properties['OKActions']])).toEqual([
      [[TOPIC_ARN], [TOPIC_ARN]],
      [[TOPIC_ARN], [TOPIC_ARN]],
      [[TOPIC_ARN], [TOPIC_ARN]],
    ]);
  });

  it('adds a dashboard with the alarms, the decisions and the duration', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardBody: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('Decision\\.allow')])]) }),
    });
  });

  it("names the dashboard as given and reads the decisions from the project's metrics namespace", () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: 'AcmeApiAuthorizer-customer',
      DashboardBody: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('"AcmeApiAuthorizer","Decision\\.allow"')])]),
      }),
    });
  });

  it('refuses a p99 threshold that is not positive, failing synth', () => {
    expect(() => alarmsTemplate({ p99LatencyThresholdMs: 0 })).toThrow(
      new Error('mode customer: the p99 latency threshold must be positive, got 0'),
    );
  });
});
