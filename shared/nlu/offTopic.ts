// A generated set of gibberish and off-topic lines for the open-intent evaluation (openIntent.ts): keyboard mashes,
// made-up words ("xkcd foo bar") and sentences about sport, cooking, weather, films, music, travel, pets,
// gardening, science and games. Deterministic for a seed. Its templates and words are not those of the
// background class (data/background.ts), so the evaluation does not grade the model on its own training text.

import { seededRandom } from '../util/random';

const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1234567890'];
const PLACEHOLDERS = ['foo', 'bar', 'baz', 'qux', 'xkcd', 'zork', 'blorp', 'wibble', 'frob', 'quux', 'plugh', 'xyzzy'];

/** Off-topic sentence templates: `{slot}` takes a word from SLOTS. */
const TEMPLATES = [
  'did {team} beat {team} at the weekend',
  'who is the top scorer in the {competition} this season',
  'how many points did {player} get in the {competition}',
  'when is the {competition} on television',
  'how long should i {cook} the {food}',
  'can i {cook} {food} without an oven',
  'what spices go into a {dish}',
  'is {food} good for a {dish}',
  'will it be {weather} in {city} on {day}',
  'how {weather} does {city} get in {month}',
  'should i take a coat to {city} in {month}',
  'any good {genre} films out this {day}',
  'who directed that {genre} film set in {city}',
  'put on some {music} for the {meal}',
  'who sings that {music} song about {city}',
  'cheap things to do in {city} in {month}',
  'how long is the drive from {city} to {city}',
  'my {pet} will not stop chewing the {thing}',
  'what do {pet}s like to eat',
  'when do i prune the {plant}',
  'why are the leaves on my {plant} turning yellow',
  'how far is {planet} from the sun',
  'could people live on {planet}',
  'what is the best opening move in {game}',
  'i keep losing at {game} to my {relative}',
  'my {relative} wants a {pet} for their birthday',
  'is {meal} at eight too late',
];

const SLOTS: Record<string, string[]> = {
  team: ['arsenal', 'the lakers', 'real madrid', 'the all blacks', 'the yankees', 'celtic', 'the bulls', 'juventus'],
  competition: ['premier league', 'world cup', 'six nations', 'tour de france', 'nba finals', 'champions league', 'super bowl'],
  player: ['messi', 'lebron', 'serena', 'the new striker', 'their captain', 'the rookie'],
  cook: ['roast', 'grill', 'poach', 'braise', 'steam', 'bake', 'fry'],
  food: ['lamb', 'salmon', 'aubergine', 'potatoes', 'tofu', 'a turkey', 'mushrooms', 'brisket', 'sourdough'],
  dish: ['risotto', 'curry', 'lasagne', 'stew', 'paella', 'stir fry', 'omelette', 'chilli'],
  weather: ['sunny', 'windy', 'foggy', 'humid', 'stormy', 'snowy', 'cold'],
  city: ['lisbon', 'oslo', 'chicago', 'kyoto', 'cairo', 'lima', 'dublin', 'sydney', 'prague'],
  day: ['monday', 'friday', 'saturday', 'sunday', 'weekend', 'week'],
  month: ['january', 'april', 'august', 'october', 'december'],
  genre: ['horror', 'comedy', 'sci fi', 'western', 'animated', 'musical'],
  music: ['techno', 'folk', 'reggae', 'opera', 'punk', 'country', 'disco'],
  meal: ['dinner party', 'barbecue', 'picnic', 'brunch', 'dinner'],
  pet: ['puppy', 'kitten', 'parrot', 'rabbit', 'tortoise', 'guinea pig'],
  thing: ['sofa', 'curtains', 'cables', 'slippers', 'garden hose'],
  plant: ['roses', 'apple tree', 'lavender', 'hedge', 'fern', 'basil'],
  planet: ['mars', 'jupiter', 'venus', 'saturn', 'neptune'],
  game: ['chess', 'scrabble', 'monopoly', 'poker', 'sudoku', 'mario kart'],
  relative: ['sister', 'grandad', 'nephew', 'aunt', 'cousin'],
};

/** `count` lines (default 1,000): a third keyboard mashes, a third made-up words, a third off-topic sentences. */
export function generateOffTopic(seed: number, count = 1000): string[] {
  const rand = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  const mash = () => {
    // a walk along one keyboard row, sometimes jumping to a neighbouring one
    let row = int(0, 2);
    let col = int(0, KEYBOARD_ROWS[row]!.length - 1);
    let s = '';
    for (let i = int(3, 12); i > 0; i--) {
      const keys = KEYBOARD_ROWS[row]!;
      col = Math.min(keys.length - 1, Math.max(0, col + int(-2, 2)));
      s += keys[col]!;
      if (rand() < 0.15) row = Math.min(3, Math.max(0, row + (rand() < 0.5 ? -1 : 1)));
    }
    return s;
  };
  const madeUp = () => {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const words: string[] = [];
    for (let i = int(1, 4); i > 0; i--) {
      if (rand() < 0.4) words.push(pick(PLACEHOLDERS));
      else words.push(Array.from({ length: int(2, 8) }, () => pick([...letters])).join(''));
    }
    return words.join(' ');
  };
  const sentence = () => pick(TEMPLATES).replace(/\{(\w+)\}/g, (_, slot: string) => pick(SLOTS[slot]!));
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    let line = kind === 0 ? (rand() < 0.5 ? mash() : `${mash()} ${mash()}`) : kind === 1 ? madeUp() : sentence();
    if (rand() < 0.2) line = line.charAt(0).toUpperCase() + line.slice(1) + pick(['?', '!', '...', '']);
    out.push(line);
  }
  return out;
}
