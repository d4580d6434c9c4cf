"""The words we use to explain each DSPT status, in plain English and Easy Read.

Kept apart from the rule (providers/dspt_status.py) so writers can change the
words without touching the logic. tests/test_reading_level.py checks that
every text here stays at a reading age of about 9 to 11.

Each Easy Read line is (picture, sentence): one idea per sentence. Pictures
are SVG files in static/images/easy-read/, each with its own text alternative
in EASY_READ_PICTURES.
"""

MEANING = {
    "meets": [
        "The care service has checked how it keeps your information safe. It says it does all the things it must do.",
        "This is a good sign. But the service checks itself. Nobody visits to make sure.",
        "You can still ask the service how it looks after your information.",
    ],
    "approaching": [
        "The care service has done the most important checks. It does not do everything it must do yet.",
        "It has a plan to put things right. It should finish the plan and check again.",
        "Ask the service what is in its plan and when it will be done.",
    ],
    "not_met": [
        "The care service has checked how it keeps your information safe. It says it does not do all the things it must do.",
        "This does not always mean your information is at risk. But you should ask the service what it is doing about it.",
    ],
    "out_of_date": [
        "Care services should check how they keep your information safe every year. This service's last check is too old to count.",
        "It may have a reason. Ask the service when it will do its next check.",
    ],
    "not_published": [
        "This care service is on the list of services that should do the check. But it has not shared a check that is up to date.",
        "Ask the service if it has done the check, and when it will share the result.",
    ],
    "unknown": [
        "The care service shared a check, but its result uses words we cannot explain.",
        "This can happen with old results. We show the words as they were shared.",
        "Ask the service what the result means, and when it will do a new check.",
    ],
    "not_found": [
        "We could not find this care service in the list of checks.",
        "It may have done the check under another name or code. Or it may not have done it.",
        "Ask the service if it has done the check. It is called the Data Security and Protection Toolkit.",
    ],
}

EASY_READ = {
    "meets": [
        ("list", "This care service did its check."),
        ("tick", "It says it meets the standard."),
        ("list", "The standard is a list of ways to keep information safe."),
        ("question", "You can still ask how it keeps your information safe."),
    ],
    "approaching": [
        ("list", "This care service did most of its check."),
        ("arrow", "It has a plan to do the rest."),
        ("question", "You can ask when the plan will be done."),
    ],
    "not_met": [
        ("list", "This care service did its check."),
        ("cross", "It says it does not meet the standard."),
        ("list", "The standard is a list of ways to keep information safe."),
        ("question", "You can ask what it is doing to fix this."),
    ],
    "out_of_date": [
        ("calendar", "This care service did a check a long time ago."),
        ("warning", "The check is too old now."),
        ("question", "You can ask when it will do a new check."),
    ],
    "not_published": [
        ("dash", "This care service has not shared a new check."),
        ("question", "You can ask if it has done the check."),
    ],
    "unknown": [
        ("question", "We cannot say what this check result means."),
        ("people", "You can ask the care service what it means."),
    ],
    "not_found": [
        ("search", "We could not find a check for this care service."),
        ("question", "You can ask if it has done the check."),
    ],
}

# What each Easy Read picture shows (for people who draw or check them). On
# the pages the pictures are decoration: the sentence beside each one says
# it all, so their text alternative is empty and screen readers skip them.
EASY_READ_PICTURES = {
    "tick": "A green tick",
    "cross": "A red cross",
    "arrow": "An arrow pointing forward",
    "warning": "A warning sign",
    "calendar": "A calendar",
    "dash": "An empty box",
    "search": "A magnifying glass",
    "question": "A person asking a question",
    "lock": "A padlock",
    "list": "A list of things to do",
    "house": "A care home",
    "folder": "A folder of papers",
    "computer": "A computer",
    "people": "People talking",
    "phone": "A telephone",
    "eye": "An eye",
}

# What people said they did not know (the 2023 study): questions to ask.
QUESTIONS = [
    "What information do you keep about me?",
    "What do you use my information for?",
    "Who do you share my information with?",
    "How do you keep my information safe?",
    "How can I see the information you keep about me?",
    "Who do I tell if I am worried about my information?",
]

EASY_READ_QUESTIONS = [
    ("folder", "What do you write down about me?"),
    ("question", "Why do you need it?"),
    ("people", "Who else sees it?"),
    ("lock", "How do you keep it safe?"),
    ("computer", "Can I see it?"),
    ("phone", "Who do I tell if I am worried?"),
]
