"""The words of the letters people can send a care service about their information, and of what happens next.

A person chooses what to ask (KINDS); `letter()` makes the letter in plain
English and in Easy Read, addressed to the care service, with what happens
next. Nothing here is stored: the letter is made from the form each time.
tests/pages/test_reading_level.py checks every sentence's reading age.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ICO_PHONE = "0303 123 1113"
ICO_WEBSITE = "https://ico.org.uk/make-a-complaint/"
CQC_PHONE = "03000 616161"
SAR_DAYS = "one month"


@dataclass(frozen=True)
class Kind:
    """One thing a person can ask a care service, and how each letter says it."""

    key: str
    label: str  # the choice on the form
    subject: str  # the letter's subject line
    asks: tuple[str, ...]  # the plain letter's paragraphs; {who} is "me" or the person's name
    easy_read: tuple[tuple[str, str], ...]  # (picture, sentence)
    next_steps: tuple[str, ...]  # what happens next, in plain English


KINDS = {kind.key: kind for kind in (
    Kind(
        "copy", "A copy of what the care service writes down (a subject access request)",
        "Subject access request: a copy of the information you keep about {who}",
        (("I am asking for a copy of all the information you keep about {who}. This is a subject access request, "
         "under data protection law."),
         "Please send me a copy of the information.",
         "Please also tell me what you use it for, who you share it with and how long you keep it.",
         "Please reply within one month. You may ask me to show who I am."),
        (("folder", "I want a copy of what you write down about {who}."),
         ("people", "Please tell me who else sees it."),
         ("calendar", "Please send it to me within 1 month.")),
        (("The care service must answer within one month. It can take longer only if the request is very complex, "
         "and it must tell you why."),
         "It is free in most cases.",
         "The service may ask you to show who you are, or that you may ask for someone else."),
    ),
    Kind(
        "shared", "Who the care service shares the information with",
        "Who do you share information about {who} with?",
        ("I would like to know who you share personal information about {who} with.",
         "Please tell me which people and organisations you share it with, what you share with them, and why."),
        (("people", "Who else sees what you write about {who}?"),
         ("question", "Please tell me why they see it.")),
        ("The care service should answer you. It should also have a privacy notice that says this.",),
    ),
    Kind(
        "safe", "How the care service keeps the information safe",
        "How do you keep information about {who} safe?",
        ("I would like to know how you keep personal information about {who} safe.",
         "Please tell me how you keep paper and computer records safe, and who can see them.",
         "What would you do if some of it got lost, or the wrong person saw it?",
         "Please also tell me about your yearly Data Security and Protection Toolkit check."),
        (("lock", "How do you keep what you write about {who} safe?"),
         ("list", "Did you do your yearly check on keeping it safe?")),
        ("The care service should answer you.",),
    ),
    Kind(
        "correct", "To correct something that is wrong",
        "Please correct information about {who}",
        ("Some of the information you keep about {who} is wrong or out of date. I am asking you to correct it.",
         "{details}",
         "Please tell me when you have corrected it. You should answer within one month."),
        (("cross", "Something you wrote about {who} is wrong."),
         ("tick", "Please put it right."),
         ("calendar", "Please tell me within 1 month.")),
        (("The care service must answer within one month. If it does not agree to change something, it must tell "
         "you why."),),
    ),
    Kind(
        "concern", "To raise a concern about how the information is used or kept",
        "A concern about how you use and keep information about {who}",
        ("I am worried about how you use or keep the information you hold about {who}.",
         "{details}",
         "Please look into this and tell me what you will do about it."),
        (("warning", "I am worried about how you keep notes about {who}."),
         ("people", "Please look into it and tell me what you will do.")),
        ("The care service should look into your concern and answer you.",
         f"If you are worried about the care itself, you can also tell the Care Quality Commission: {CQC_PHONE}."),
    ),
)}

ICO_STEP = (f"If the care service does not answer, or you are not happy with its answer, you can tell the "
            f"Information Commissioner's Office (ICO). Phone {ICO_PHONE} or go to {ICO_WEBSITE}")
ICO_EASY_READ = ("phone", f"If they do not answer, phone the Information Commissioner on {ICO_PHONE}.")


@dataclass(frozen=True)
class Letter:
    """One letter, ready to show, print, copy or email."""

    service_name: str
    service_address: list[str]
    subject: str
    paragraphs: list[str]
    sign_off: list[str]
    easy_read: list[tuple[str, str]]
    next_steps: list[str]
    written_on: dt.date

    @property
    def text(self) -> str:
        """The plain letter as text, for copying or an email."""
        return "\n\n".join([f"To the manager, {self.service_name}", f"Subject: {self.subject}",
                            "Dear Manager,", *self.paragraphs, "\n".join(self.sign_off)])


def letter(*, kind: str, service_name: str, service_address: list[str], for_someone: bool, your_name: str,
           their_name: str, details: str, written_on: dt.date) -> Letter:
    """A letter of one kind to one care service, for the writer or for someone they support."""
    chosen = KINDS[kind]
    person = their_name or "the person I support"
    words = {
        "who": person if for_someone else "me",  # the first paragraph has said who they are
        "details": details or "[Write here what is wrong, or what worries you.]",
    }
    paragraphs = [text.format(**words) for text in chosen.asks]
    if for_someone:
        paragraphs.insert(0, f"I am writing for {person}. They have agreed that I can ask for them, and I can send "
                             "you their written agreement.")
    easy = [(picture, sentence.format(**words)) for picture, sentence in chosen.easy_read]
    if for_someone:
        easy[:0] = [("people", f"I am writing for {person}."), ("tick", "They said I can ask for them.")]
    return Letter(
        service_name=service_name, service_address=service_address, subject=chosen.subject.format(**words),
        paragraphs=paragraphs, sign_off=["Yours sincerely,", your_name or "[Your name]", "[Your address]"],
        easy_read=[*easy, ICO_EASY_READ], next_steps=[*chosen.next_steps, ICO_STEP], written_on=written_on,
    )


# The Easy Read page "Your information: what you can ask" (/easy-read/your-information/), by section.
# The questions people can ask come from status_text.EASY_READ_QUESTIONS, under "You can ask".
EASY_READ_PAGE = {
    "intro": [("folder", "Your care service writes things down about you."),
              ("lock", "It must keep what it writes safe."),
              ("question", "You have the right to ask about it.")],
    "copy": [("folder", "You can ask for a copy of what they write about you."),
             ("calendar", "They must send it within 1 month."),
             ("tick", "It is free most of the time."),
             ("cross", "If something is wrong, you can ask them to put it right.")],
    "help": [("people", "Someone you trust can ask for you, if you say yes."),
             ("letter", "We can help you write a letter."),
             ICO_EASY_READ],
}

# The example letters (/your-rights/examples/<kind>/): to a made-up care home.
EXAMPLE_SERVICE = ("Rosewood House", ["1 Rose Lane", "Lincoln", "LN1 1AA"])
EXAMPLE_DETAILS = "My date of birth in my care plan is wrong. It says 12 May 1940. It should say 21 May 1940."
