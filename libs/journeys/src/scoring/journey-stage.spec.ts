import { DEFAULT_FALLBACK_STAGE, DEFAULT_STAGE_MAP, JOURNEY_STAGES, mapStage, stageForEvent } from './journey-stage.ts';

describe('stageForEvent', () => {
  it.each([
    ['page_view', 'price_check', 'consideration'],
    ['page_view', 'ad_click', 'awareness'],
    ['purchase', 'purchase', 'purchase'],
    ['purchase', 'call', 'purchase'],
    ['message', 'chat', 'support'],
    ['call', 'call', 'support'],
    ['message', 'support_ticket', 'support'],
    ['message', 'claim', 'support'],
    ['complaint', 'store_visit', 'support'],
    ['escalation', 'email', 'support'],
    ['refund', 'web_visit', 'support'],
    ['bill_payment', 'bill_payment', 'usage'],
    ['bill_payment', 'renewal', 'renewal'],
    ['message', 'signup', 'onboarding'],
    ['cancellation', 'call', 'churn-risk'],
    ['payment_failed', 'bill_payment', 'churn-risk'],
    ['page_view', 'cancellation', 'churn-risk'],
  ])('maps type %s at touchpoint %s to %s', (type, touchpoint, stage) => {
    expect(stageForEvent({ type, touchpoint })).toBe(stage);
  });

  it('lets an explicit stage win', () => {
    expect(stageForEvent({ type: 'purchase', touchpoint: 'purchase', stage: 'renewal' })).toBe('renewal');
  });

  it('trims and lower-cases an explicit stage', () => {
    expect(stageForEvent({ type: 'message', touchpoint: 'chat', stage: '  Win-Back ' })).toBe('win-back');
  });

  it.each([null, undefined, '', '   '])('ignores explicit stage %j', (stage) => {
    expect(stageForEvent({ type: 'message', touchpoint: 'chat', stage })).toBe('support');
  });

  it.each(['web_visit', 'email', 'kiosk', 'constructor', '__proto__'])('falls back for touchpoint %s', (touchpoint) => {
    expect(stageForEvent({ type: 'page_view', touchpoint })).toBe(DEFAULT_FALLBACK_STAGE);
    expect(stageForEvent({ type: 'page_view', touchpoint }, { fallbackStage: 'usage' })).toBe('usage');
  });

  it('normalizes type and touchpoint', () => {
    expect(stageForEvent({ type: 'Message', touchpoint: 'Support-Ticket' })).toBe('support');
    expect(stageForEvent({ type: 'PAYMENT FAILED', touchpoint: 'web_visit' })).toBe('churn-risk');
  });

  it('uses a given stage map', () => {
    const stageMap = { byType: {}, byTouchpoint: { kiosk: 'consideration' } };
    expect(stageForEvent({ type: 'page_view', touchpoint: 'kiosk' }, { stageMap })).toBe('consideration');
    expect(stageForEvent({ type: 'purchase', touchpoint: 'chat' }, { stageMap })).toBe(DEFAULT_FALLBACK_STAGE);
  });

  it('maps only to known stages by default', () => {
    const stages = [...Object.values(DEFAULT_STAGE_MAP.byType), ...Object.values(DEFAULT_STAGE_MAP.byTouchpoint)];
    for (const stage of stages) {
      expect(JOURNEY_STAGES).toContain(stage);
    }
  });
});

describe('mapStage', () => {
  it('returns null when nothing matches', () => {
    expect(mapStage({ type: 'page_view', touchpoint: 'web_visit' })).toBeNull();
  });

  it('returns the explicit stage', () => {
    expect(mapStage({ type: 'page_view', touchpoint: 'web_visit', stage: 'usage' })).toBe('usage');
  });
});
