// Before issue 20: live stats as stats-differential.test.ts compares them with (reference copies, not used elsewhere).
// Per-task evidence in a model's stats record (the router's bandit arms): the memory backend runs these rules, the
// Redis script mirrors them in the same operation order, so both compute the same doubles.
import type { ArmCounts, ArmUpdate, ModelStatsRecord } from '../../../../src/storage/types.js';

/** A task name as an arm key: safe in a Redis hash field (`arm:<task>:good`) and a JSON key. */
const TASK_NAME = /^[a-z_]{1,32}$/;

/** `arm` when it is one (a task name, a finite credit clamped to 0..1, a positive window), else undefined. */
export function cleanArmUpdate(arm: ArmUpdate | undefined): ArmUpdate | undefined {
  if (arm === undefined || !TASK_NAME.test(arm.task) || !Number.isFinite(arm.good)) return undefined;
  const clean: ArmUpdate = { task: arm.task, good: Math.min(1, Math.max(0, arm.good)) };
  if (arm.window !== undefined && Number.isFinite(arm.window) && arm.window > 0) clean.window = arm.window;
  return clean;
}

/**
 * The record's arms after one answer's evidence: `good` added to good, 1 − good to bad, then both scaled down so that
 * they add up to at most `window` (a discounted bandit: the weight of old answers fades once the window is full).
 */
export function applyArmUpdate(record: ModelStatsRecord, arm: ArmUpdate): Record<string, ArmCounts> {
  const before = record.arms?.[arm.task];
  let good = (before?.good ?? 0) + arm.good;
  let bad = (before?.bad ?? 0) + (1 - arm.good);
  const total = good + bad;
  if (arm.window !== undefined && total > arm.window) {
    const factor = arm.window / total;
    good = good * factor;
    bad = bad * factor;
  }
  return { ...record.arms, [arm.task]: { good, bad } };
}
