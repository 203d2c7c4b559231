"""Cases for the report tests: the sample made publishable, and one with secrets to keep."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from workbench.core import actors, claims, documents, excerpts, findings, statements
from workbench.core.casefile import Case


def make_publishable(case: Case) -> None:
    """The one thing the sample lacks: its third finding is still a draft."""
    for f in findings.list_all(case):
        if f.status == "draft":
            findings.update(case, f.id, status="checked")


@dataclass(frozen=True)
class Secrets:
    """Strings that identify the confidential material and must never reach a report."""

    actor_name: str = "Jordan Quillfeather"
    alias: str = "the Lakeside informant"
    speaker: str = "J. Quillfeather"
    title: str = "Quillfeather meeting notes"
    file_name: str = "quillfeather-notes-2019.txt"
    origin: str = "Lakeside diner meeting, 2019-04-06"
    cleared_quote: str = "The courtesy share began in 2017 and was never written down."
    secret_quote: str = "I pulled the sharing log from the dispatch terminal myself."
    sha256: str = ""

    def all(self) -> list[str]:
        return [self.actor_name, self.alias, self.speaker, self.title, self.file_name,
                self.origin, self.secret_quote, self.sha256, self.sha256[:12]]


def add_secrets(case: Case) -> Secrets:
    """A confidential document and person, cited in the report in every way there is."""
    s = Secrets()
    data = (f"{s.title}\n\nMet {s.actor_name} at the diner. Said: \"{s.cleared_quote}\" "
            f"Also: \"{s.secret_quote}\"\n").encode()
    doc_id = documents.add(case, data=data, title=s.title, kind="text",
                           pages=[data.decode()], file_name=s.file_name, origin=s.origin,
                           received="2019-04-06", confidential=True).id
    person = actors.add(case, name=s.actor_name, type="person", aliases=[s.alias],
                        confidential=True).id
    cleared = excerpts.add(case, document_id=doc_id, page=1, quote=s.cleared_quote,
                           cleared=True).id
    secret = excerpts.add(case, document_id=doc_id, page=1, quote=s.secret_quote).id
    said = statements.add(case, actor_id=person, stance="confirms", speaker=s.speaker,
                          role="dispatcher", date="2019-04-06", channel="in-person",
                          text="The share is real.").id
    claim = claims.add(case, "The sheriff shares detections with Cedar Falls informally.").id
    claims.add_evidence(case, claim_id=claim, relation="supports", excerpt_id=cleared)
    claims.add_evidence(case, claim_id=claim, relation="contradicts",
                        statement_id=_sheriff_statement(case))
    claims.set_verdict(case, claim_id=claim, status="confirmed",
                       rationale="A source with direct knowledge describes the share.")
    findings.add(case, title="The sheriff's share was informal", status="checked",
                 text=f"A dispatcher, {s.actor_name}, says the share was never written "
                      f"down (see {s.file_name}).",
                 cite=[("excerpt", cleared), ("excerpt", secret), ("statement", said)])
    sha = documents.get(case, doc_id).sha256
    return Secrets(sha256=sha)


def _sheriff_statement(case: Case) -> int:
    sheriff = actors.find(case, "Dunmore County Sheriff's Office")[0]
    return statements.list_all(case, actor_id=sheriff.id)[0].id


@pytest.fixture
def publishable_path(sample_path: Path) -> Path:
    with Case.open(sample_path) as case:
        make_publishable(case)
    return sample_path


@pytest.fixture
def secret_path(publishable_path: Path) -> tuple[Path, Secrets]:
    with Case.open(publishable_path) as case:
        secrets = add_secrets(case)
    return publishable_path, secrets
