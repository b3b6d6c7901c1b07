// The network's answer to "Ask the network", beside the true answer, bit by bit.

export function showAnswer(container, answer) {
  const networkBits = answer.probs.map((p) => (p > 0.5 ? "1" : "0")).reverse().join("");
  const trueBits = BigInt(answer.truth).toString(2).padStart(answer.bits, "0");
  const lines = [
    [answer.text, ""],
    [`network: ${networkBits} = ${answer.answer}`, answer.right ? "right" : "wrong"],
    [`true:    ${trueBits} = ${answer.truth}`, ""],
  ];
  container.replaceChildren(
    ...lines.map(([text, verdict]) => {
      const line = document.createElement("div");
      line.textContent = text;
      if (verdict) {
        const mark = document.createElement("strong");
        mark.className = verdict;
        mark.dataset.testid = "ask-verdict";
        mark.textContent = ` ${verdict}`;
        line.append(mark);
      }
      return line;
    }),
  );
}
