"""Each claim with a verdict as schema.org ClaimReview, in one JSON-LD document.

Fact-checkers publish these so that search engines and aggregators can read the
verdict. Ratings use a 1 (false) to 5 (true) scale; statuses with no place on it
(unresolved, unverifiable) carry only their name.
"""

from __future__ import annotations

import json

from workbench.core.snapshot import ReportSnapshot
from workbench.report.text import VERDICTS

#: status -> position on a 1 (refuted) .. 5 (confirmed) scale
RATINGS = {"refuted": 1, "mixed": 3, "confirmed": 5}


def claim_reviews(snap: ReportSnapshot) -> list[dict]:
    author = ({"@type": "Organization", "name": snap.byline} if snap.byline
              else {"@type": "Organization", "name": snap.title})
    out = []
    for c in snap.claims:
        if not c.has_verdict:
            continue
        rating: dict = {"@type": "Rating", "alternateName": VERDICTS[c.status]}
        if c.status in RATINGS:
            rating.update(ratingValue=RATINGS[c.status], bestRating=5, worstRating=1)
        item: dict = {"@type": "Claim"}
        if c.origin is not None:
            item["appearance"] = {"@type": "CreativeWork", "name": c.origin.title}
        if c.about:
            item["about"] = [{"@type": "Thing", "name": name} for name in c.about]
        review = {"@type": "ClaimReview", "@id": f"#claim-{c.number}",
                  "datePublished": snap.date, "author": author,
                  "claimReviewed": c.text, "itemReviewed": item, "reviewRating": rating,
                  "reviewBody": c.rationale}
        out.append(review)
    return out


def render_claimreview(snap: ReportSnapshot) -> str:
    doc = {"@context": "https://schema.org", "@graph": claim_reviews(snap)}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
