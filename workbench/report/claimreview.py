"""Each claim with a verdict as schema.org ClaimReview, in one JSON-LD document.

Fact-checkers publish these so that search engines and aggregators can read the
verdict. Ratings use a 1 (false) to 5 (true) scale; statuses with no place on it
(unresolved, unverifiable) carry only their name.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from workbench.core.snapshot import ReportSnapshot
from workbench.report.text import VERDICTS

#: status -> position on a 1 (refuted) .. 5 (confirmed) scale
RATINGS = {"refuted": 1, "mixed": 3, "confirmed": 5}


def claim_reviews(snap: ReportSnapshot) -> list[dict]:
    """One ClaimReview per claim with a verdict (schema.org, as fact-check publishers
    write them: ``url``, ``claimReviewed``, ``itemReviewed`` with its ``author`` and
    ``datePublished`` where the case knows them, ``reviewRating`` with its
    ``alternateName``, ``author`` the publishing organisation, not the byline)."""
    author: dict | None = None
    if snap.publisher:
        author = {"@type": "Organization", "name": snap.publisher}
        if snap.url:
            parts = urlsplit(snap.url)
            author["url"] = f"{parts.scheme}://{parts.netloc}/"
    out = []
    for c in snap.claims:
        if not c.has_verdict:
            continue
        rating: dict = {"@type": "Rating", "alternateName": VERDICTS[c.status]}
        if c.status in RATINGS:
            rating.update(ratingValue=RATINGS[c.status], bestRating=5, worstRating=1)
        item: dict = {"@type": "Claim"}
        if c.claimant:
            item["author"] = {"@type": "Person" if c.claimant_is_person else "Organization",
                              "name": c.claimant}
        if c.claimed_on:
            item["datePublished"] = c.claimed_on
        if c.origin is not None:
            item["appearance"] = {"@type": "CreativeWork", "name": c.origin.title}
        if c.about:
            item["about"] = [{"@type": "Thing", "name": name} for name in c.about]
        review: dict = {"@type": "ClaimReview", "@id": f"#claim-{c.number}"}
        if snap.url:
            review["url"] = f"{snap.url}#claim-{c.number}"
        review.update({"datePublished": snap.date, "claimReviewed": c.text,
                       "itemReviewed": item, "reviewRating": rating,
                       "reviewBody": c.rationale})
        if author is not None:
            review["author"] = author
        out.append(review)
    return out


def render_claimreview(snap: ReportSnapshot) -> str:
    doc = {"@context": "https://schema.org", "@graph": claim_reviews(snap)}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
