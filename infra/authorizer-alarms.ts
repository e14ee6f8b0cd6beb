// CloudWatch alarms on the authorizer's errors, throttles and p99 latency, and a dashboard of its decisions.
import {
  Duration,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as actions,
  aws_iam as iam,
  aws_kms as kms,
  type aws_lambda as lambda,
  aws_sns as sns,
  Stack,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { AlarmTopicConfig } from './project.js';

export interface AuthorizerAlarmsProps {
  readonly modeName: string;
  readonly function: lambda.IFunction;
  /**
   * The p99 duration above which the latency alarm fires, in milliseconds. Every authorizer call sits in front of
   * a request, so a slow p99 is a customer-visible problem before it is a timeout.
   * @default 1000
   */
  readonly p99LatencyThresholdMs?: number;
  /** Where each alarm notifies, on ALARM and on OK (project.yaml `alarmTopic`). */
  readonly alarmTopic: AlarmTopicConfig;
  /** The namespace of the runtime's EMF metrics (infra/project.ts `modeNames`). */
  readonly metricsNamespace: string;
  readonly dashboardName: string;
  /** Opens the created topic's display name, such as `Acme API`. */
  readonly displayName: string;
}

/**
 * Errors and throttles fire on the first occurrence: the runtime turns every failure into a Deny or a 401, so a
 * Lambda error means the function itself crashed or timed out, and a throttle means requests were refused.
 */
export class AuthorizerAlarms extends Construct {
  readonly errors: cloudwatch.Alarm;
  readonly throttles: cloudwatch.Alarm;
  readonly p99Latency: cloudwatch.Alarm;
  readonly dashboard: cloudwatch.Dashboard;
  readonly topic: sns.ITopic;

  constructor(scope: Construct, id: string, props: AuthorizerAlarmsProps) {
    super(scope, id);
    const thresholdMs = props.p99LatencyThresholdMs ?? 1000;
    if (!(thresholdMs > 0)) throw new Error(`mode ${props.modeName}: the p99 latency threshold must be positive, got ${thresholdMs}`);
    const period = Duration.minutes(1);
    const fn = props.function;

    this.errors = new cloudwatch.Alarm(this, 'Errors', {
      alarmDescription: `Authorizer of mode ${props.modeName} failed (crash or timeout): requests were refused`,
      metric: fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.throttles = new cloudwatch.Alarm(this, 'Throttles', {
      alarmDescription: `Authorizer of mode ${props.modeName} was throttled: requests were refused`,
      metric: fn.metricThrottles({ period, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.p99Latency = new cloudwatch.Alarm(this, 'P99Latency', {
      alarmDescription: `Authorizer of mode ${props.modeName}: p99 duration above ${thresholdMs} ms for 3 of 5 minutes`,
      metric: fn.metricDuration({ period, statistic: cloudwatch.Stats.p(99) }),
      threshold: thresholdMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.topic =
      props.alarmTopic.kind === 'existing'
        ? sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopic.arn)
        : createdTopic(this, `${props.displayName} authorizer alarms, mode ${props.modeName}`);
    const action = new actions.SnsAction(this.topic);
    for (const alarm of [this.errors, this.throttles, this.p99Latency]) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }

    const metric = (metricName: string, statistic: string): cloudwatch.Metric =>
      decisionMetric({ namespace: props.metricsNamespace, modeName: props.modeName, metricName, statistic });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.AlarmStatusWidget({
            title: 'Alarms',
            alarms: [this.errors, this.throttles, this.p99Latency],
            width: 24,
            height: 3,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Decisions',
            width: 12,
            left: (['allow', 'deny', 'unauthorized'] as const).map((result) => metric(`Decision.${result}`, cloudwatch.Stats.SUM)),
          }),
          new cloudwatch.GraphWidget({
            title: 'Authorizer duration (ms)',
            width: 12,
            left: [fn.metricDuration({ statistic: cloudwatch.Stats.p(50) }), fn.metricDuration({ statistic: cloudwatch.Stats.p(99) })],
            leftAnnotations: [{ value: thresholdMs, label: 'p99 alarm' }],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Invocations, errors, throttles',
            width: 12,
            left: [fn.metricInvocations(), fn.metricErrors(), fn.metricThrottles()],
          }),
          new cloudwatch.GraphWidget({
            title: 'Decision latency and cache hits',
            width: 12,
            left: [metric('DecisionLatency', cloudwatch.Stats.p(99))],
            right: [metric('DecisionCacheHit', cloudwatch.Stats.SUM)],
          }),
        ],
      ],
    });
  }
}

/**
 * A topic encrypted with its own key (SNS has no unencrypted default worth keeping, and CloudWatch cannot publish to
 * a topic under the AWS-managed `alias/aws/sns` key), accepting only TLS, published to by this account's alarms only.
 */
function createdTopic(scope: Construct, displayName: string): sns.Topic {
  const key = new kms.Key(scope, 'AlarmTopicKey', { enableKeyRotation: true, description: `Encrypts the topic of: ${displayName}` });
  const topic = new sns.Topic(scope, 'AlarmTopic', { displayName: displayName.slice(0, 100), masterKey: key, enforceSSL: true });
  const { account, region, partition } = Stack.of(scope);
  const cloudwatchPrincipal = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
  const fromThisAccountsAlarms = {
    StringEquals: { 'aws:SourceAccount': account },
    ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
  };
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      actions: ['sns:Publish'],
      principals: [cloudwatchPrincipal],
      resources: [topic.topicArn],
      conditions: fromThisAccountsAlarms,
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      principals: [cloudwatchPrincipal],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': account } },
    }),
  );
  return topic;
}

interface DecisionMetric {
  readonly namespace: string;
  readonly modeName: string;
  readonly metricName: string;
  readonly statistic: string;
}

/** The runtime's EMF metrics (runtime/observability/telemetry.ts): the project's namespace, dimensions service + mode. */
function decisionMetric({ namespace, modeName, metricName, statistic }: DecisionMetric): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace,
    metricName,
    dimensionsMap: { service: `authorizer-${modeName}`, mode: modeName },
    statistic,
    period: Duration.minutes(5),
  });
}
