/**
 * Examples from the Amazon EventBridge user guide:
 * - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html
 * - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
 * - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 */
import { describe, expect, it } from 'vitest';
import { EventPatternError, matchesPattern, validatePattern } from '../../../infra/local/event-pattern.ts';
import { buildTopology, type EventPattern } from '../../../infra/topology.ts';
import { loadCompanyConfig } from '../../../shared/config/load.ts';

/** The EC2 instance state-change event of eb-event-patterns, with `detail` replaced. */
function ec2Event(detail: Record<string, unknown> = { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' }) {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail,
  };
}

/** The Auto Scaling event of eb-event-patterns-null-values. */
const autoScalingEvent = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

function valid(pattern: unknown): EventPattern {
  validatePattern(pattern, 'test');
  return pattern;
}

describe('matchesPattern: values', () => {
  const terminations = valid({
    source: ['aws.ec2'],
    'detail-type': ['EC2 Instance State-change Notification'],
    detail: { state: ['terminated'] },
  });

  it('matches the instance-termination event with the documented pattern', () => {
    // Act
    const matched = matchesPattern(terminations, ec2Event());

    // Assess
    expect(matched).toBe(true);
  });

  it('does not match when one field of the pattern differs', () => {
    // Act
    const matched = matchesPattern(terminations, ec2Event({ state: 'running' }));

    // Assess
    expect(matched).toBe(false);
  });

  it('does not match when the event lacks a field of the pattern', () => {
    // Act
    const matched = matchesPattern(terminations, ec2Event({ 'instance-id': 'i-1' }));

    // Assess
    expect(matched).toBe(false);
  });

  it('matches when any of several values matches', () => {
    // Arrange
    const pattern = valid({ source: ['aws.ec2', 'aws.fargate'] });

    // Act & Assess
    expect(matchesPattern(pattern, ec2Event())).toBe(true);
    expect(matchesPattern(pattern, { source: 'aws.s3' })).toBe(false);
  });

  it('compares strings character by character without case folding', () => {
    // Arrange
    const pattern = valid({ source: ['AWS.EC2'] });

    // Act & Assess
    expect(matchesPattern(pattern, ec2Event())).toBe(false);
  });

  it('matches numbers in nested objects (the Macie example)', () => {
    // Arrange
    const pattern = valid({
      source: ['aws.macie'],
      'detail-type': ['Macie Alert'],
      detail: { 'risk-score': [80], trigger: { risk: [8] } },
    });
    const alert = {
      source: 'aws.macie',
      'detail-type': 'Macie Alert',
      detail: {
        'notification-type': 'ALERT_CREATED',
        tags: ['Custom_Alert', 'Insider'],
        'risk-score': 80,
        trigger: { 'alert-type': 'basic', risk: 8 },
      },
    };

    // Act & Assess
    expect(matchesPattern(pattern, alert)).toBe(true);
    expect(matchesPattern(pattern, { ...alert, detail: { ...alert.detail, trigger: { risk: 7 } } })).toBe(false);
  });

  it('matches null and the empty string, which are not interchangeable', () => {
    // Arrange
    const nullPattern = valid({ source: ['aws.autoscaling'], detail: { responseElements: [null] } });
    const emptyPattern = valid({ detail: { eventVersion: [''] } });
    const emptyAgainstNull = valid({ detail: { responseElements: [''] } });

    // Act & Assess
    expect(matchesPattern(nullPattern, autoScalingEvent)).toBe(true);
    expect(matchesPattern(emptyPattern, autoScalingEvent)).toBe(true);
    expect(matchesPattern(emptyAgainstNull, autoScalingEvent)).toBe(false);
  });

  it('matches booleans exactly', () => {
    // Arrange
    const pattern = valid({ detail: { urgent: [true] } });

    // Act & Assess
    expect(matchesPattern(pattern, { detail: { urgent: true } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { urgent: 'true' } })).toBe(false);
  });
});

describe('matchesPattern: arrays in the event', () => {
  it('matches when the pattern values and the event array intersect', () => {
    // Arrange
    const pattern = valid({
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    });
    const event = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };

    // Act & Assess
    expect(matchesPattern(pattern, event)).toBe(true);
    expect(matchesPattern(pattern, { resources: [event.resources[0]] })).toBe(false);
  });

  it('matches a nested pattern against any object of an event array', () => {
    // Arrange
    const pattern = valid({ detail: { items: { sku: [{ prefix: 'BIKE-' }] } } });

    // Act & Assess
    expect(matchesPattern(pattern, { detail: { items: [{ sku: 'HELMET-1' }, { sku: 'BIKE-7' }] } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { items: [{ sku: 'HELMET-1' }] } })).toBe(false);
  });
});

describe('matchesPattern: content filtering', () => {
  it('matches by prefix', () => {
    // Arrange
    const pattern = valid({ time: [{ prefix: '2017-10-02' }] });

    // Act & Assess
    expect(matchesPattern(pattern, { time: '2017-10-02T18:43:48Z' })).toBe(true);
    expect(matchesPattern(pattern, { time: '2017-10-03T18:43:48Z' })).toBe(false);
  });

  it('matches anything but a string', () => {
    // Arrange
    const pattern = valid({ detail: { state: [{ 'anything-but': 'initializing' }] } });

    // Act & Assess
    expect(matchesPattern(pattern, ec2Event({ state: 'running' }))).toBe(true);
    expect(matchesPattern(pattern, ec2Event({ state: 'initializing' }))).toBe(false);
  });

  it('matches anything but a number', () => {
    // Arrange
    const pattern = valid({ detail: { 'x-limit': [{ 'anything-but': 123 }] } });

    // Act & Assess
    expect(matchesPattern(pattern, { detail: { 'x-limit': 124 } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { 'x-limit': 123 } })).toBe(false);
  });

  it('matches anything but a list of strings', () => {
    // Arrange
    const pattern = valid({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } });

    // Act & Assess
    expect(matchesPattern(pattern, ec2Event({ state: 'running' }))).toBe(true);
    expect(matchesPattern(pattern, ec2Event({ state: 'overloaded' }))).toBe(false);
  });

  it('matches anything but a list of numbers', () => {
    // Arrange
    const pattern = valid({ detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } });

    // Act & Assess
    expect(matchesPattern(pattern, { detail: { 'x-limit': 150 } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { 'x-limit': 200 } })).toBe(false);
  });

  it('matches anything but a prefix', () => {
    // Arrange
    const pattern = valid({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } });

    // Act & Assess
    expect(matchesPattern(pattern, ec2Event({ state: 'running' }))).toBe(true);
    expect(matchesPattern(pattern, ec2Event({ state: 'initializing' }))).toBe(false);
  });

  it('does not match anything-but when the field is missing', () => {
    // Arrange
    const pattern = valid({ detail: { state: [{ 'anything-but': 'initializing' }] } });

    // Act & Assess
    expect(matchesPattern(pattern, ec2Event({}))).toBe(false);
  });

  it('matches numeric ranges only when every comparison holds', () => {
    // Arrange
    const pattern = valid({
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    });

    // Act & Assess
    expect(matchesPattern(pattern, { detail: { 'c-count': 5, 'd-count': 9, 'x-limit': 301.8 } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { 'c-count': 0, 'd-count': 9, 'x-limit': 301.8 } })).toBe(false);
    expect(matchesPattern(pattern, { detail: { 'c-count': 3, 'd-count': 10, 'x-limit': 301.8 } })).toBe(false);
    expect(matchesPattern(pattern, { detail: { 'c-count': 3, 'd-count': 9, 'x-limit': 301 } })).toBe(false);
  });

  it('matches numeric conditions only against JSON numbers', () => {
    // Arrange
    const pattern = valid({ detail: { 'c-count': [{ numeric: ['>', 0] }] } });

    // Act & Assess
    expect(matchesPattern(pattern, { detail: { 'c-count': '3' } })).toBe(false);
  });

  it('matches exists: false when the field is absent or not a leaf', () => {
    // Arrange
    const pattern = valid({ detail: { 'c-count': [{ exists: false }] } });
    const withoutField = {
      'detail-type': 'EC2 Instance State-change Notification',
      detail: { state: ['initializing', 'running'] },
    };
    const withObject = { ...withoutField, detail: { ...withoutField.detail, 'c-count': { c1: 100 } } };

    // Act & Assess
    expect(matchesPattern(pattern, withoutField)).toBe(true);
    expect(matchesPattern(pattern, withObject)).toBe(true);
    expect(matchesPattern(pattern, { detail: { 'c-count': 3 } })).toBe(false);
  });

  it('matches exists: true only when the field holds a value', () => {
    // Arrange
    const pattern = valid({ detail: { 'c-count': [{ exists: true }] } });

    // Act & Assess
    expect(matchesPattern(pattern, { detail: { 'c-count': 3 } })).toBe(true);
    expect(matchesPattern(pattern, { detail: {} })).toBe(false);
  });

  it('matches exists: false when the parent object is missing altogether', () => {
    // Arrange
    const pattern = valid({ detail: { 'c-count': [{ exists: false }] } });

    // Act & Assess
    expect(matchesPattern(pattern, { source: 'aws.ec2' })).toBe(true);
  });

  it('matches the documented complex example that combines operators', () => {
    // Arrange
    const pattern = valid({
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    });
    const event = {
      time: '2017-10-02T18:43:48Z',
      detail: { state: 'running', 'c-count': 2, 'd-count': 4, 'x-limit': 150 },
    };

    // Act & Assess
    expect(matchesPattern(pattern, event)).toBe(true);
    expect(matchesPattern(pattern, { ...event, detail: { ...event.detail, 'x-limit': 300 } })).toBe(false);
  });
});

describe('validatePattern', () => {
  it.each([
    ['suffix', { FileName: [{ suffix: '.png' }] }],
    ['cidr', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }],
    ['wildcard', { detail: { path: [{ wildcard: '*/lib/*' }] } }],
    ['equals-ignore-case', { detail: { state: [{ 'equals-ignore-case': 'RUNNING' }] } }],
    ['$or', { detail: { $or: [{ a: [1] }, { b: [2] }] } }],
    ['prefix/equals-ignore-case', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }],
    ['anything-but/suffix', { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } }],
  ])('refuses the unsupported operator %s, naming it and the rule', (operator, pattern) => {
    // Act
    const act = () => validatePattern(pattern, 'route-press');

    // Assess
    expect(act).toThrow(EventPatternError);
    expect(act).toThrow(`event rule "route-press": unsupported event pattern operator "${operator}"`);
  });

  it('reports the operator and the path on the error', () => {
    // Act
    let error: unknown;
    try {
      validatePattern({ detail: { FileName: [{ suffix: '.png' }] } }, 'archive');
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toMatchObject({ rule: 'archive', operator: 'suffix', path: 'detail.FileName' });
  });

  it.each([
    ['an empty pattern', {}],
    ['a scalar field', { source: 'aws.ec2' }],
    ['an empty value list', { source: [] }],
    ['an operator object with two keys', { source: [{ prefix: 'a', exists: true }] }],
    ['a numeric comparison without a number', { detail: { n: [{ numeric: ['>', '5'] }] } }],
    ['a numeric comparison out of range', { detail: { n: [{ numeric: ['<', 2e9] }] } }],
    ['two lower bounds', { detail: { n: [{ numeric: ['>', 0, '>=', 1] }] } }],
    ['an anything-but list mixing strings and numbers', { detail: { n: [{ 'anything-but': ['a', 1] }] } }],
    ['exists with a string', { detail: { n: [{ exists: 'yes' }] } }],
  ])('refuses %s', (_name, pattern) => {
    // Act & Assess
    expect(() => validatePattern(pattern, 'r')).toThrow(EventPatternError);
  });

  it('accepts every rule of the demo topology', async () => {
    // Arrange
    const topology = buildTopology(await loadCompanyConfig('demo'));

    // Act & Assess
    for (const rule of topology.bus.rules) expect(() => validatePattern(rule.pattern, rule.id)).not.toThrow();
    expect(topology.bus.rules.length).toBeGreaterThan(0);
  });
});
