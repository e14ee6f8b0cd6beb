import { aws_lambda as lambda } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AuthorizerAlarms, type AuthorizerAlarmsProps } from '../../infra/authorizer-alarms.js';
import { bareStack } from './support/synthesized-app.js';

const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authorizer-customer';
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:on-call';

function alarmsTemplate(props: Partial<AuthorizerAlarmsProps> = {}): Template {
  const stack = bareStack();
  const fn = lambda.Function.fromFunctionArn(stack, 'Authorizer', FUNCTION_ARN);
  new AuthorizerAlarms(stack, 'Alarms', { modeName: 'customer', function: fn, ...props });
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

  it('has exactly those three alarms, with no action unless a topic is given', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: Record<string, unknown> }[];

    expect(alarms.map((alarm) => alarm.Properties['MetricName'])).toEqual(['Errors', 'Throttles', 'Duration']);
    expect(alarms.map((alarm) => alarm.Properties['AlarmActions'])).toEqual([undefined, undefined, undefined]);
  });

  it('uses the given p99 threshold', () => {
    alarmsTemplate({ p99LatencyThresholdMs: 250 }).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Duration',
      Threshold: 250,
    });
  });

  it('notifies the given SNS topic on ALARM and on OK from every alarm', () => {
    const alarms = Object.values(alarmsTemplate({ alarmTopicArn: TOPIC_ARN }).findResources('AWS::CloudWatch::Alarm')) as {
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

  it('refuses a p99 threshold that is not positive, failing synth', () => {
    expect(() => alarmsTemplate({ p99LatencyThresholdMs: 0 })).toThrow(
      new Error('mode customer: the p99 latency threshold must be positive, got 0'),
    );
  });
});
