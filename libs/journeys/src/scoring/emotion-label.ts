export const EMOTION_LABELS = ['delighted', 'satisfied', 'neutral', 'frustrated', 'angry'] as const;

export type EmotionLabel = (typeof EMOTION_LABELS)[number];

/**
 * Valence cut points for the labels. They lie midway between the valences of adjacent star
 * ratings (1 star is -1, 2 is -0.5, 3 is 0, 4 is 0.5, 5 is +1), so a rating on its own maps
 * to one label per star. A valence exactly on a cut point takes the stronger label.
 */
export const EMOTION_CUT_POINTS = Object.freeze({
  delightedAtLeast: 0.75,
  satisfiedAtLeast: 0.25,
  frustratedAtMost: -0.25,
  angryAtMost: -0.75,
});

/** Maps a valence in -1..1 to its emotion label. */
export function labelForValence(valence: number): EmotionLabel {
  if (valence >= EMOTION_CUT_POINTS.delightedAtLeast) {
    return 'delighted';
  }
  if (valence >= EMOTION_CUT_POINTS.satisfiedAtLeast) {
    return 'satisfied';
  }
  if (valence <= EMOTION_CUT_POINTS.angryAtMost) {
    return 'angry';
  }
  if (valence <= EMOTION_CUT_POINTS.frustratedAtMost) {
    return 'frustrated';
  }
  return 'neutral';
}
