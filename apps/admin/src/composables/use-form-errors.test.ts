import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { useFormErrors } from './use-form-errors';

function refusal(message: string, code: string, fieldErrors?: Record<string, string[]>) {
  return new TRPCClientError(message, {
    result: { error: { message, code: -32600, data: { code, httpStatus: 400, fieldErrors } } },
  });
}

describe('useFormErrors', () => {
  it("puts the API's field errors at their fields", () => {
    const { errors, apply } = useFormErrors(['code', 'name', 'items']);
    const rest = apply(
      refusal('code: must be 1-32 characters; items.0.quantity: must be at least 1', 'BAD_REQUEST', {
        code: ['must be 1-32 characters'],
        'items.0.quantity': ['must be at least 1'],
      }),
      'unreachable',
    );
    expect(rest).toBeNull();
    expect({ ...errors }).toEqual({ code: 'must be 1-32 characters', items: 'must be at least 1' });
  });

  it('places a refusal whose message names a field of the form', () => {
    const { errors, apply } = useFormErrors(['code', 'name']);
    expect(apply(refusal('code: another product has this code', 'CONFLICT'), 'unreachable')).toBeNull();
    expect(errors.code).toBe('another product has this code');
  });

  it('answers what names no field of the form, to show on its own', () => {
    const { errors, apply } = useFormErrors(['code']);
    expect(apply(refusal('machineId: is not yours', 'BAD_REQUEST'), 'unreachable')).toBe('machineId: is not yours');
    expect(apply(refusal('Product not found', 'NOT_FOUND'), 'unreachable')).toBe('Product not found');
    expect(apply(new TypeError('fetch failed'), 'unreachable')).toBe('unreachable');
    expect(apply(refusal('x', 'BAD_REQUEST', { '': ['is required'], other: ['is wrong'] }), 'unreachable')).toBe(
      'is required; other: is wrong',
    );
    expect({ ...errors }).toEqual({});
  });

  it('clears the previous messages on each refusal, and on demand', () => {
    const { errors, apply, clear } = useFormErrors(['code', 'name']);
    apply(refusal('x', 'BAD_REQUEST', { code: ['is taken'], name: ['is required'] }), 'unreachable');
    clear('code');
    expect({ ...errors }).toEqual({ name: 'is required' });
    apply(refusal('name: is too long', 'BAD_REQUEST'), 'unreachable');
    expect({ ...errors }).toEqual({ name: 'is too long' });
    clear();
    expect({ ...errors }).toEqual({});
  });

  it('takes any field when the form does not list them', () => {
    const { errors, apply } = useFormErrors();
    apply(refusal('x', 'BAD_REQUEST', { 'address.city': ['is required'] }), 'unreachable');
    expect(errors['address.city']).toBe('is required');
  });
});
