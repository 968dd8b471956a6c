// Argument schemas shared by several tools. Descriptions stay short: every tool schema is sent to
// the model on every turn.
import { z } from 'zod';
import { MESSAGE_TYPES, TASK_PRIORITIES, TASK_STATUSES } from '../../main/contract/model.js';

export const agentName = z.string().min(1).max(32);
export const messageText = z.string().min(1);
export const messageType = z.enum(MESSAGE_TYPES);
export const topic = z.string().min(1).max(64);
export const taskId = z.number().int().positive();
export const taskStatus = z.enum(TASK_STATUSES);
export const taskPriority = z.enum(TASK_PRIORITIES);
export const limit = z.number().int().min(1).max(200);
export const messageId = z.number().int().positive();
