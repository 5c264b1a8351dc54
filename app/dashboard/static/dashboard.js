// The reference dashboard's enhancements. The page works without them: every figure is
// rendered on the server. They read the same public persisted operations any
// dashboard reads, on this origin only:
// - "More contributors" appends the next page in place (ProjectContributors);
// - deadlines read "in 3 days" next to their date;
// - the page says when new activity was recorded since it was made (ProjectTotals,
//   revalidated with its ETag: a 304 costs the server nothing to answer).
"use strict";

(function () {
  const root = document.getElementById("dashboard");
  const slug = root ? root.dataset.project : null;

  function persisted(name, variables, etag) {
    const url = "/graphql/persisted/" + name + "?variables=" + encodeURIComponent(JSON.stringify(variables));
    const headers = etag ? { "If-None-Match": etag } : {};
    return fetch(url, { headers: headers, credentials: "omit" });
  }

  function cell(text, className) {
    const td = document.createElement("td");
    if (className) td.className = className;
    td.textContent = text;
    return td;
  }

  function number(value) {
    const n = Number(value);
    return Number.isFinite(n) ? n.toLocaleString("en") : String(value);
  }

  function morePeople(link) {
    link.addEventListener("click", async function (event) {
      event.preventDefault();
      link.setAttribute("aria-busy", "true");
      const answer = await persisted("ProjectContributors", { slug: slug, first: 25, after: link.dataset.after });
      const body = await answer.json();
      const page = body.data.project.contributors;
      const rows = document.getElementById("people");
      for (const s of page.nodes) {
        const tr = document.createElement("tr");
        const name = document.createElement("td");
        const a = document.createElement("a");
        a.href = "/projects/" + slug + "/contributors/" + s.contributor.number;
        a.textContent = s.contributor.displayName;
        name.appendChild(a);
        tr.append(name, cell(number(s.contributions), "num"), cell(number(s.credit), "num"),
          cell(s.firstAt.slice(0, 10)), cell(s.lastAt.slice(0, 10)));
        rows.appendChild(tr);
      }
      link.removeAttribute("aria-busy");
      if (page.pageInfo.hasNextPage) {
        link.dataset.after = page.pageInfo.endCursor;
        link.href = "?after=" + encodeURIComponent(page.pageInfo.endCursor) + "#contributors";
      } else {
        link.parentElement.remove();
      }
    });
  }

  function deadlines() {
    const now = Date.now();
    const words = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
    for (const time of document.querySelectorAll("time[data-deadline]")) {
      const days = Math.round((Date.parse(time.dateTime) - now) / 86400000);
      time.textContent = time.dateTime.slice(0, 10) + " (" + words.format(days, "day") + ")";
    }
  }

  async function watchForActivity() {
    const first = await persisted("ProjectTotals", { slug: slug });
    let etag = first.headers.get("ETag");
    window.setInterval(async function () {
      const again = await persisted("ProjectTotals", { slug: slug }, etag);
      if (again.status === 200 && again.headers.get("ETag") !== etag) {
        document.getElementById("fresh").hidden = false;
        etag = again.headers.get("ETag");
      }
    }, 60000);
  }

  deadlines();
  if (slug) {
    const more = document.getElementById("more-people");
    if (more) morePeople(more);
    watchForActivity().then(function () {
      document.documentElement.dataset.live = "yes";
    });
  }
})();
