// (adapter) approval reminders and snoozes' ends as EventBridge Scheduler one-time schedules (SDK v3 SchedulerClient) --> core ReminderSchedules port
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { atExpression } from '../core/notify/approval-window';
import type { ReminderSchedules } from '../core/ports';

export interface SchedulerReminderOptions {
  readonly client: SchedulerClient;
  /** The schedule group (`pipewatch-<stage>`, serverless.yml): notify's role may only touch its schedules. */
  readonly groupName: string;
  /** The schedule's target: the notify function. */
  readonly targetArn: string;
  /** The role Scheduler assumes to invoke it (lambda:InvokeFunction on notify only). */
  readonly roleArn: string;
  /** The schedules' description (default: an approval reminder's). */
  readonly description?: string;
}

export const SNOOZE_END_DESCRIPTION = "pipewatch: post the summary of a snooze's held-back failures when it ends";

/**
 * Scheduler's retries of a reminder call: a few, within the hour before the expiry (an hour-late
 * reminder of an expired approval helps nobody; notify checks the expiry anyway).
 */
export const REMINDER_RETRY_POLICY = { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 } as const;

/**
 * One one-time schedule per waiting approval: `at(…)` in UTC, no flexible window (the reminder's
 * time is the point), deleted by Scheduler once it has run (ActionAfterCompletion DELETE). Its
 * input is what notify's reminder contract (src/aws/notify-input.ts) accepts.
 */
export class SchedulerReminderSchedules implements ReminderSchedules {
  constructor(private readonly options: SchedulerReminderOptions) {}

  async create(name: string, at: string, payload: unknown): Promise<void> {
    try {
      await this.options.client.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: this.options.groupName,
          ScheduleExpression: atExpression(at),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Description:
            this.options.description ?? 'pipewatch: remind the channel of a waiting approval before it expires',
          Target: {
            Arn: this.options.targetArn,
            RoleArn: this.options.roleArn,
            Input: JSON.stringify(payload),
            RetryPolicy: REMINDER_RETRY_POLICY,
          },
        }),
      );
    } catch (error) {
      // The same approval's schedule, created by an earlier render that died before its post.
      if (error instanceof ConflictException) return;
      throw error;
    }
  }

  async delete(name: string): Promise<void> {
    try {
      await this.options.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.options.groupName }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return;
      throw error;
    }
  }
}
