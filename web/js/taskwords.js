// What the views' captions and legends say, in the words of the task being trained
// (rnnadd.page describes each: its answers, its memory, its machine's states).

const COUNT_WORDS = { 2: "two", 3: "three" };

// The memory's values the state space colours, one legend entry each; none where no finite machine keeps one.
export function memoryValues(task) {
  return task.finite ? Array.from({ length: task.states }, (_, value) => ({ value, label: `${task.memory} ${value}` })) : [];
}

const READS = { number: "a number", pair: "two numbers", triple: "three numbers" };
const RUNS_HERE = "Everything runs here in your browser: NumPy on Python compiled to WebAssembly.";

// The page's heading and its first lines, for the task trained.
function introOf(task) {
  const { answer, memory, problem } = task;
  const reads = `A recurrent network with one hidden layer reads ${READS[problem]} one bit at a time, least significant bit first, and writes the bits of ${problem === "number" ? "its" : "their"} ${answer}.`;
  const title = `Watch an RNN learn ${task.title}`; // the window's title
  if (task.title === "binary addition") return { title, heading: "Watch an RNN learn to add", intro: `${reads} It has to discover the carry by itself. ${RUNS_HERE}` };
  const discover = task.finite ? `It has to discover the ${memory} by itself.` : `No finite machine does that for every width: see how far a network of fixed size gets.`;
  return { title, heading: title, intro: `${reads} ${discover} ${RUNS_HERE}` };
}

export function wordsOf(task) {
  const { answer, memory, states } = task;
  if (!task.finite) {
    return {
      ...introOf(task),
      bits: `Each row is one problem. Top: the true bits of the ${answer}. Bottom: the network's confidence in a 1 for each bit. Bits are read right to left, the order the network reads them.`,
      travels: "read \u2190",
      hidden: `Every hidden unit over the time steps of the selected problem (click a row above, or ask one below). No finite machine computes ${task.formula}, so there is no memory of a fixed size to show above them.`,
      space: `Every hidden state of 256 fixed problems, one dot per problem and step, seen along the two directions in which they differ most. No finite memory colours them: what ${task.formula} needs to remember grows with the width. Click a dot to follow its problem here and in the view above.`,
    };
  }
  const clouds = COUNT_WORDS[states] ?? String(states);
  return {
    ...introOf(task),
    bits: `Each row is one problem. Top: the true bits of the ${answer}. Bottom: the network's confidence in a 1 for each bit. Bits are read right to left, the way a ${memory} travels.`,
    travels: `${memory} travels \u2190`,
    hidden: `Every hidden unit over the time steps of the selected problem (click a row above, or ask one below). Above them, the true ${memory}. Marked: the units whose activity follows the ${memory} most closely, by correlation r over 512 random problems.`,
    space: `Every hidden state of 256 fixed problems, one dot per problem and step, seen along the two directions in which they differ most. Colour: the true ${memory} after that step. While the network learns, the ${clouds} clouds pull apart. Click a dot to follow its problem here and in the view above.`,
  };
}
