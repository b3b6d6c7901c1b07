// How the page writes shares and steps, each rule once.

// A share as a percentage: percent(0.5) is "50.0%", with `digits` after the point.
export const percent = (share, digits = 1) => `${(share * 100).toFixed(digits)}%`;

// The step a view shows: "now (step M)", or "at step N of M" while looking back (step null: now).
export const whenText = (step, now) => (step === null ? `now (step ${now})` : `at step ${step} of ${now}`);
