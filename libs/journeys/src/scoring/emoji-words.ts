/**
 * Emoji common in customer messages, each mapped to words of the VADER lexicon that are
 * close to the emoji's name (😠 "angry face" becomes "angry").
 *
 * The JavaScript port vader-sentiment 1.1.3 has no emoji lexicon, so without this table
 * every emoji scores 0. The Python reference implementation replaces each emoji with its
 * description from emoji_utf8_lexicon.txt, but many descriptions contain no lexicon word
 * (😡 is "pouting face").
 * The lexicon valence of each word, on VADER's -4..4 scale, is in the trailing comment.
 * Keys are base code points: the scorer strips the U+FE0F variation selector and
 * skin-tone modifiers before the lookup. Emoji missing here stay in the text and score 0.
 */
export const EMOJI_SENTIMENT_WORDS: Readonly<Record<string, string>> = Object.freeze({
  // Positive.
  '😀': 'grinning', // 1.5
  '😃': 'grinning',
  '😄': 'grinning',
  '😁': 'grinning',
  '😆': 'laughing', // 2.2
  '😂': 'laughing',
  '🤣': 'laughing',
  '🙂': 'slightly smiling', // "slightly" is a VADER dampener, so this scores below 😊
  '😊': 'smiling', // 2.0
  '☺': 'smiling',
  '😍': 'love', // 3.2
  '🥰': 'love',
  '❤': 'love',
  '💕': 'love',
  '😘': 'kiss', // 1.8
  '👍': 'good', // 1.9
  '👌': 'ok', // 0.9
  '👏': 'applause', // 1.8
  '🙏': 'thanks', // 1.9
  '🎉': 'celebrate', // 2.7
  '🤩': 'amazing', // 2.8
  '😎': 'cool', // 1.3
  '💯': 'perfect', // 2.7

  // Negative.
  '👎': 'bad', // -2.5
  '😠': 'angry', // -2.3
  '😡': 'rage', // -2.6
  '🤬': 'furious', // -2.7
  '😤': 'frustrated', // -2.4
  '😞': 'disappointed', // -2.1
  '😔': 'sad', // -2.1, because its name "pensive face" would score +0.3
  '🙁': 'slightly frowning', // -1.4, dampened
  '☹': 'frowning', // -1.4
  '😢': 'crying', // -2.1
  '😭': 'crying',
  '😒': 'annoyed', // -1.6
  '🙄': 'annoyed',
  '😩': 'weary', // -1.1
  '😫': 'tired', // -1.9
  '😕': 'confused', // -1.3
  '😟': 'worried', // -1.2
  '😱': 'scared', // -1.9
  '💔': 'heartbroken', // -3.3
  '🤢': 'sick', // -2.3
  '🤮': 'disgusted', // -2.4
});
