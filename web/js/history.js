// A bounded series of (x, y) points for the charts. When it fills up,
// neighbouring points merge and every later point stands for twice as many
// raw values, so memory stays fixed however long training runs.

export class BoundedSeries {
  constructor(capacity = 4096) {
    this.capacity = capacity;
    this.xs = new Float64Array(capacity);
    this.ys = new Float64Array(capacity);
    this.length = 0;
    this.stride = 1; // raw values per stored point
    this.pendingX = 0;
    this.pendingY = 0;
    this.pendingCount = 0;
  }

  push(x, y) {
    this.pendingX += x;
    this.pendingY += y;
    this.pendingCount += 1;
    if (this.pendingCount < this.stride) return;
    if (this.length === this.capacity) this.compact();
    this.xs[this.length] = this.pendingX / this.pendingCount;
    this.ys[this.length] = this.pendingY / this.pendingCount;
    this.length += 1;
    this.pendingX = this.pendingY = this.pendingCount = 0;
  }

  compact() {
    const half = this.length >> 1;
    for (let i = 0; i < half; i += 1) {
      this.xs[i] = (this.xs[2 * i] + this.xs[2 * i + 1]) / 2;
      this.ys[i] = (this.ys[2 * i] + this.ys[2 * i + 1]) / 2;
    }
    this.length = half;
    this.stride *= 2;
  }

  toJSON() {
    return {
      stride: this.stride,
      xs: Array.from(this.xs.subarray(0, this.length)),
      ys: Array.from(this.ys.subarray(0, this.length)),
    };
  }
}

// The series as CSV rows of x,y; past capacity neighbours merge: then each row is the mean of `stride` points.
export function seriesCSV(series, x, y) {
  const { stride, xs, ys } = series.toJSON();
  const header = stride === 1 ? `${x},${y}` : `${x} (mean of ${stride}),${y} (mean of ${stride} steps)`;
  return [header, ...xs.map((value, i) => `${value},${ys[i]}`)].join("\n") + "\n";
}
