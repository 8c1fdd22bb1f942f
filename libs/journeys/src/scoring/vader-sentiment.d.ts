// Types for vader-sentiment 1.1.3, which ships none. The package is CommonJS and exports
// one object, so ES modules import it with a default import.
declare module 'vader-sentiment' {
  /** VADER scores: `neg`, `neu` and `pos` are proportions of the text, and `compound` is in -1..1. */
  interface PolarityScores {
    neg: number;
    neu: number;
    pos: number;
    compound: number;
  }

  const vaderSentiment: {
    SentimentIntensityAnalyzer: {
      polarity_scores(text: string): PolarityScores;
    };
  };

  export = vaderSentiment;
}
