// Reads an .ics file on stdin and prints, as JSON, every occurrence between
// two instants: [summary, start in UTC (ISO), status]. Times are computed
// from the VTIMEZONE components in the file, as Thunderbird does.
import ICAL from "ical.js";

const [from, to] = process.argv.slice(2, 4).map((s) => ICAL.Time.fromJSDate(new Date(s), true));
// With --ends, each occurrence's end (UTC, ISO) follows its status.
const withEnds = process.argv.includes("--ends");
let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;

const calendar = new ICAL.Component(ICAL.parse(input));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone));
}
const vevents = calendar.getAllSubcomponents("vevent");
const overrides = vevents.filter((v) => v.hasProperty("recurrence-id"));
const out = [];
for (const vevent of vevents) {
  if (vevent.hasProperty("recurrence-id")) continue;
  const uid = vevent.getFirstPropertyValue("uid");
  // Each series gets its own overrides (see the project's iCalendar notes).
  const event = new ICAL.Event(vevent, {
    exceptions: overrides.filter((o) => o.getFirstPropertyValue("uid") === uid),
  });
  const status = (v) => v.getFirstPropertyValue("status") || "";
  const iso = (t) => (t.isDate ? t.toString() : t.toJSDate().toISOString());
  const add = (summary, start, comp, end) => {
    if (start.compare(from) >= 0 && start.compare(to) < 0) {
      out.push([summary, iso(start), status(comp), ...(withEnds ? [iso(end)] : [])]);
    }
  };
  if (event.isRecurring()) {
    const it = event.iterator();
    for (let next = it.next(); next && next.compare(to) < 0; next = it.next()) {
      const details = event.getOccurrenceDetails(next);
      add(details.item.summary, details.startDate, details.item.component, details.endDate);
    }
  } else {
    add(event.summary, event.startDate, vevent, event.endDate);
  }
}
out.sort();
process.stdout.write(JSON.stringify(out));
