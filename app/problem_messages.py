"""Problems in words: the one place a rule's Problem (app.domain.problems) becomes a translated sentence.

A message is looked up by (field, code) first, for a code whose words depend on the field it belongs to
("required" on a proposal's title or its cost), then by code alone. put_on_form puts problems on a WTForms
form (each on its field when the form has it, the rest above the form), so the error summary links to each
field; error_list gives the same (target, sentence) pairs for a hand-built form.
"""

from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from app.domain.decisions import MIN_QUORUM, NATURE_MAX, NOTES_MAX, REASON_MAX
from app.domain.problems import Problem
from app.i18n import format_pence

MESSAGES = {
    # Ballots (app.domain.ballots) and refused casts (app.services.voting)
    "too_many_choices": lambda v: ngettext("You can choose %(num)d project. You chose %(chosen)d.",
                                           "You can choose up to %(num)d projects. You chose %(chosen)d.",
                                           v["allowed"], chosen=v["chosen"]),
    "over_budget": lambda v: _("Your choices cost %(total)s, which is more than the %(cap)s in the pot.",
                               total=format_pence(v["total_pence"]), cap=format_pence(v["cap_pence"])),
    "too_many_points": lambda v: _("You gave %(total)d points. You have %(allowed)d to spread.", total=v["total"],
                                   allowed=v["allowed"]),
    "too_many_points_for_one": lambda v: _("You can give at most %(allowed)d points to one project.",
                                           allowed=v["allowed"]),
    "bad_points": lambda v: _("Points must be whole numbers of 0 or more."),
    "duplicate_rank": lambda v: _("Each project can only have one rank."),
    "unknown_project": lambda v: _("One of your choices is not on this ballot. Please choose again."),
    "empty_ballot": lambda v: _("Choose at least one project before you vote."),
    "duplicate_position": lambda v: _("Each rank can only be used once."),
    "voting_closed": lambda v: _("Voting in this round has closed. Your ballot was not stored."),
    "voting_not_open": lambda v: _("Voting in this round has not opened yet. Come back when it opens."),
    "held_for_merge": lambda v: _("This account matches another registration of the same person. The council will "
                                  "check them and merge them before this account can vote or propose projects."),
    "account_suspended": lambda v: _("This account is suspended, so it cannot take part. Nothing was stored. Ask "
                                     "the council's administrators why, or to reactivate it."),
    "voted_on_paper": lambda v: _("You have already voted on paper in this pot, so you cannot vote online."),
    "already_voted": lambda v: _("This resident has already voted in this pot, online or on paper."),
    "try_again": lambda v: _("Something went wrong while storing your ballot. Nothing was stored. Please try "
                             "again."),
    "not_found": lambda v: _("This ballot does not exist."),
    # A sheet of paper ballots (app.domain.in_person, app.services.in_person): words for a row in a table
    ("sheet", "empty"): lambda v: _("the sheet has no ballots"),
    ("sheet", "no_header"): lambda v: _("the first row must name the columns name, postcode, date_of_birth and "
                                        "choices"),
    ("sheet", "too_many_rows"): lambda v: _("the sheet has too many rows: split it into smaller sheets"),
    ("sheet", "missing_name"): lambda v: _("the name is missing"),
    ("sheet", "bad_postcode"): lambda v: _("not a real postcode"),
    ("sheet", "bad_date"): lambda v: _("the date of birth must be written year-month-day, like 1980-05-17"),
    ("sheet", "bad_choices"): lambda v: _("the choices must be project numbers from the ballot, separated by "
                                          "spaces"),
    ("sheet", "not_on_register"): lambda v: _("nobody with this name, postcode and date of birth is on the "
                                              "register"),
    ("sheet", "ambiguous"): lambda v: _("more than one person on the register has this name, postcode and date of "
                                        "birth"),
    ("sheet", "duplicate_in_sheet"): lambda v: _("this person is already on an earlier row of the sheet"),
    ("sheet", "already_voted"): lambda v: _("this person has already voted in this pot, online or on paper"),
    # Who may take part (app.domain.eligibility)
    "wrong_ward": lambda v: _("This pot is for residents of other wards. The postcode on your account is in a "
                              "ward this round does not cover. If you have moved or your postcode is wrong, "
                              "contact the council to correct it."),
    "no_ward": lambda v: _("We do not know your ward, and this pot is for residents of certain wards. Check "
                           "your postcode on your account page, or contact the council."),
    "too_young": lambda v: _("This pot is for residents above a minimum age on the voting day, and you are "
                             "younger. If your date of birth or age group is wrong, contact the council."),
    "age_unknown": lambda v: _("This pot has a minimum age and we do not know yours. Add your date of birth or "
                               "age group to your account, or contact the council."),
    "email_not_verified": lambda v: _("Confirm your e-mail address before you take part. Use the link we sent "
                                      "you, or ask for a new one on your account page."),
    # Round phases and dates (app.domain.phases, app.services.rounds)
    "skips_a_phase": lambda v: _("A round moves one phase at a time."),
    "cannot_go_back_after_voting": lambda v: _("Once voting has opened, a round cannot go back."),
    "same_phase": lambda v: _("The round is already in that phase."),
    "unknown_phase": lambda v: _("That phase does not exist."),
    "no_pots": lambda v: _("Add at least one pot before voting opens."),
    "nothing_on_ballot": lambda v: _("No proposals are marked feasible, so there is nothing to vote on."),
    "early_close_needs_reason": lambda v: _("Give a reason for closing voting before the published close. "
                                            "Residents will see it on the round's page."),
    "not_in_voting": lambda v: _("The close of voting can only be moved while voting is open."),
    "close_not_later": lambda v: _("The new close must be later than the current one. A close can be extended, "
                                   "never brought forward."),
    "close_in_past": lambda v: _("The new close must be in the future."),
    ("proposals_open_at", "required"): lambda v: _("Enter when proposals open."),
    ("proposals_close_at", "required"): lambda v: _("Enter when proposals close."),
    ("voting_open_at", "required"): lambda v: _("Enter when voting opens."),
    ("voting_close_at", "required"): lambda v: _("Enter when voting closes."),
    "time_skipped": lambda v: _("The time entered for %(name)s, %(time)s on %(date)s, does not exist in the UK "
                                "because the clocks go forward an hour that night. Choose a time before "
                                "%(start)s or from %(end)s.", **_clock_change_values(v)),
    "time_repeated": lambda v: _("The time entered for %(name)s, %(time)s on %(date)s, happens twice in the UK "
                                 "because the clocks go back an hour that night. Choose a time before %(start)s "
                                 "or from %(end)s.", **_clock_change_values(v)),
    "dates_out_of_order": lambda v: _("Dates must run in order: proposals open, proposals close, voting opens, "
                                      "voting closes."),
    # Rounds and pots (app.domain.rounds, app.services.rounds)
    ("pots", "frozen"): lambda v: _("Pots cannot be added once voting has opened."),
    "frozen": lambda v: _("Voting has opened, so this can no longer be changed: %(field)s.",
                          field=v.get("label") or v.get("name", "")),
    "pot_without_wards": lambda v: _("Removing these wards would leave the pot “%(pot)s” with no ward. Change "
                                     "that pot's wards first, or keep at least one of its wards in the round.",
                                     pot=v["pot"]),
    "wards_outside_round": lambda v: _("A pot can only cover wards that its round covers. Add the ward to the "
                                       "round first, or choose from the round's wards."),
    ("amount", "must_be_positive"): lambda v: _("The amount must be more than £0."),
    ("max_project_cost", "min_above_max"): lambda v: _("The smallest project cost is more than the largest."),
    ("max_project_cost", "above_pot"): lambda v: _("The largest project cost is more than the pot."),
    ("max_choices", "required"): lambda v: _("Enter how many projects a resident may choose or rank."),
    ("total_points", "required"): lambda v: _("Enter how many points each resident spreads."),
    ("max_points_per_project", "required"): lambda v: _("Enter the most points a resident may give one project."),
    ("max_points_per_project", "above_total"): lambda v: _("The most points on one project is more than the "
                                                           "total."),
    ("wards", "required"): lambda v: _("Choose at least one ward."),
    ("ballot_type", "unknown"): lambda v: _("Not a valid choice."),
    ("counting_rule", "unknown"): lambda v: _("Not a valid choice."),
    ("completion", "unknown"): lambda v: _("Not a valid choice."),
    ("outcome", "unknown_outcome"): lambda v: _("Not a valid choice."),
    # The council's page (app.domain.council, app.domain.brand, app.services.onboarding.save_council_page)
    ("name", "missing"): lambda v: _("Enter the council's name."),
    "bad_email": lambda v: _("Enter an e-mail address in the right format, like budgets@council.gov.uk."),
    "bad_phone": lambda v: _("Enter a phone number, like 01438 242242."),
    "bad_url": lambda v: _("Enter the site's https:// address with no path, like https://budgets.example.gov.uk."),
    "bad_colour": lambda v: _("Enter the brand colour as a hex code, like #1d4f7a."),
    "low_contrast": lambda v: _("Choose a darker brand colour: white text on %(colour)s has a contrast of "
                                "%(ratio)s to 1, and needs at least 4.5 to 1.", colour=v.get("colour", ""),
                                ratio=v.get("ratio", "")),
    ("logo", "too_large"): lambda v: _("The logo must be smaller than 200 KB."),
    ("logo", "too_many_pixels"): lambda v: _("The logo must be smaller than 200 KB."),
    ("logo", "not_an_image"): lambda v: _("The logo must be a PNG or JPEG image."),
    ("logo", "unsupported"): lambda v: _("The logo must be a PNG or JPEG image."),
    # A new password (app.domain.passwords): registration, resets and `flask users create-admin`
    ("password", "too_short"): lambda v: _("Your password must be at least 10 characters long."),
    ("password", "too_easy"): lambda v: _("That password is too easy to guess. Try three or four random words."),
    # Proposals (app.domain.proposals, app.services.proposals)
    ("title", "required"): lambda v: _("Enter a project title."),
    ("title", "too_long"): lambda v: _("The title must be 120 characters or fewer."),
    ("summary", "required"): lambda v: _("Enter a summary."),
    ("summary", "too_long"): lambda v: _("The summary must be 300 characters or fewer."),
    ("description", "required"): lambda v: _("Describe the project."),
    ("description", "too_long"): lambda v: _("The description must be 5,000 characters or fewer."),
    ("cost_breakdown", "too_long"): lambda v: _("The cost breakdown must be 2,000 characters or fewer."),
    ("cost", "required"): lambda v: _("Enter the estimated cost in pounds."),
    ("cost", "below_minimum"): lambda v: _("The cost is below this pot's smallest project."),
    ("cost", "above_maximum"): lambda v: _("The cost is above this pot's largest project."),
    ("cost", "above_pot"): lambda v: _("The cost is more than the whole pot."),
    ("priority", "required"): lambda v: _("Choose the priority the project serves."),
    ("priority", "unknown"): lambda v: _("Choose the priority the project serves."),
    "proposals_closed": lambda v: _("This proposal can no longer be changed."),
    "not_yours": lambda v: _("This proposal can no longer be changed."),
    "not_editable": lambda v: _("This proposal can no longer be changed."),
    ("reason", "reason_required"): lambda v: _("Give a reason: it is shown to the proposer."),
    "review_closed": lambda v: _("Proposals can only be reviewed before voting opens."),
    "not_reviewable": lambda v: _("This proposal cannot be reviewed (it is a draft, withdrawn or merged)."),
    "bad_cost": lambda v: _("The adjusted cost must be more than £0."),
    "cost_reason_required": lambda v: _("Say why the cost has changed: the proposer is told."),
    "hide_reason_required": lambda v: _("Give a reason for hiding the proposal."),
    "cannot_merge": lambda v: _("These proposals cannot be merged."),
    # The board's decision record (app.domain.decisions, app.services.decisions)
    "not_in_decision": lambda v: _("The round is not waiting for a board decision."),
    "locked": lambda v: _("This record is confirmed and locked. Record a correction instead."),
    "present_not_member": lambda v: _("Only members of this board can be recorded as present."),
    "bad_declaration": lambda v: _("Each declaration of interest needs a board member, a project and what the "
                                   "interest is."),
    "unknown_proposal": lambda v: _("One of the projects is not in this round."),
    "reason_required": lambda v: _("Give a reason for every project that is deferred, rejected or funded by the "
                                   "board."),
    "already_recommended": lambda v: _("The count already selected this project: confirm it instead."),
    "not_recommended": lambda v: _("Only projects the count selected can be confirmed. Use 'fund' with a "
                                   "reason."),
    "over_pot": lambda v: _("The awards add up to more than the pot."),
    "unknown_outcome": lambda v: _("Choose an outcome for each project."),
    "missing_outcome": lambda v: _("Choose an outcome for every project the count selected."),
    "bad_amount": lambda v: _("Enter an award in pounds, more than nothing and no more than the project's cost, "
                              "like 4000."),
    "quorum_too_low": lambda v: _("The quorum must be at least %(n)d members.", n=MIN_QUORUM),
    "notes_too_long": lambda v: _("The notes must be %(n)d characters or fewer.", n=NOTES_MAX),
    "reason_too_long": lambda v: _("The reason must be %(n)d characters or fewer.", n=REASON_MAX),
    "nature_too_long": lambda v: _("The nature of the interest must be %(n)d characters or fewer.", n=NATURE_MAX),
    "no_quorum": lambda v: _("The meeting was not quorate, so the record cannot be confirmed."),
    "not_a_member": lambda v: _("Only members of this board can confirm."),
    "not_present": lambda v: _("Only members recorded as present can confirm."),
    "declared_interest": lambda v: _("You declared an interest, so you cannot confirm this record."),
    "already_confirmed": lambda v: _("You have already confirmed. A second board member must confirm."),
    # An area's list of priorities (app.domain.priorities)
    "label_required": lambda v: _("Enter the priority's name in English."),
    "label_too_long": lambda v: _("A priority's name must be %(n)d characters or fewer.", n=v["max"]),
    "label_duplicate": lambda v: _("This list already has a priority with that name."),
    # Delivery (app.domain.delivery, app.domain.photos)
    "unknown_status": lambda v: _("Choose a status."),
    "negative_spent": lambda v: _("Money spent cannot be less than nothing."),
    "over_award": lambda v: _("Money spent cannot be more than the award of %(award)s.",
                              award=format_pence(v["award_pence"])),
    "completed_needs_date": lambda v: _("Enter the date the project was completed as its target date."),
    "title_required": lambda v: _("Enter what the milestone is."),
    "title_too_long": lambda v: _("The milestone must be %(n)d characters or fewer.", n=v["max"]),
    "date_required": lambda v: _("Enter the milestone's date."),
    "body_required": lambda v: _("Write the update."),
    "body_too_long": lambda v: _("The update must be %(n)d characters or fewer.", n=v["max"]),
    "alt_required": lambda v: _("Describe the photo for people who cannot see it."),
    "alt_too_long": lambda v: _("The description of the photo must be %(n)d characters or fewer.", n=v["max"]),
    "photo_not_an_image": lambda v: _("The file is not a photo. Choose a JPEG, PNG, WebP or GIF image."),
    "photo_unsupported": lambda v: _("The file is not a photo. Choose a JPEG, PNG, WebP or GIF image."),
    "photo_too_large": lambda v: _("The photo must be smaller than 10 MB."),
    "photo_too_many_pixels": lambda v: _("The photo has too many pixels. Choose a smaller image."),
    # Content translations (app.services.content_translations)
    "ballot_text_frozen": lambda v: _("Voting is open: the ballot's texts and their translations cannot change "
                                      "until it closes."),
    "own_translation": lambda v: _("You wrote this translation, so another translator must review it."),
    # An uploaded catalogue (app.domain.catalogue); values: msgid, found, line; language (its name) from the view
    "duplicate_msgid": lambda v: _("The file holds the same original string more than once."),
    "syntax": lambda v: (_("The file is not a valid .po catalogue: there is a mistake near line %(line)s.",
                           line=v["line"]) if v.get("line")
                         else _("The file is not a valid .po catalogue saved as UTF-8.")),
    "catalogue_too_large": lambda v: _("The file is too large to be a catalogue."),
    "language": lambda v: _("The file is a catalogue for “%(found)s”, not for %(language)s: check its Language "
                            "header.", found=v["found"] or "?", language=v["language"]),
    "plural_header": lambda v: _("The file’s Plural-Forms header has %(found)s forms; %(language)s needs the forms "
                                 "of the catalogue you downloaded.", found=v["found"], language=v["language"]),
    "plural_forms": lambda v: _("“%(msgid)s” has the wrong number of plural forms.", msgid=v["msgid"]),
    "plural_incomplete": lambda v: _("Fill in every plural form of “%(msgid)s”, or none of them.",
                                     msgid=v["msgid"]),
    "placeholders": lambda v: _("The translation of “%(msgid)s” must keep the original’s placeholders, written "
                                "exactly as they are (such as %(example)s).", msgid=v["msgid"], example="%(name)s"),
    "percent": lambda v: _("The translation of “%(msgid)s” has a percent sign that is not a placeholder: write "
                           "two percent signs for one.", msgid=v["msgid"]),
    "html": lambda v: _("The translation of “%(msgid)s” adds or changes HTML tags: use only the tags of the "
                        "original.", msgid=v["msgid"]),
}


def _clock_change_values(v):
    """A clock-change problem's values as its sentence shows them: the long date, times on the 24-hour clock."""
    return {"name": v["name"], "date": format_date(v["day"], "long"),
            **{key: v[key].strftime("%H:%M") for key in ("time", "start", "end")}}


def has_message(problem):
    return (problem.field, problem.code) in MESSAGES or problem.code in MESSAGES


def message(problem, **values):
    """The sentence for a Problem (or a bare code) in the request's language; values add to the problem's own.

    A problem about one project (values "project", its title) is prefixed with the project's title.
    """
    if not isinstance(problem, Problem):
        problem = Problem(str(problem))
    values = {"name": problem.field, **problem.values, **values}
    if "msgid" in values:
        values["msgid"] = _short(values["msgid"])
    words = MESSAGES.get((problem.field, problem.code)) or MESSAGES.get(problem.code)
    text = words(values) if words else _("Your ballot could not be stored. Please check it and try again.")
    if values.get("project"):
        return _("%(project)s: %(message)s", project=values["project"], message=text)
    return text


def _short(text, limit=80):
    """An original string as a translator recognises it: one line, at most limit characters."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def messages(problems, **values):
    return [message(problem, **values) for problem in problems]


def put_on_form(form, problems, fields=None):
    """Put each problem on the form: on its field (error message and summary link) when the form has it,
    otherwise above the form (form.form_errors); the error summary lists both.

    fields: {problem field: form field name} where the rule's names differ from the form's ("amount_pence").
    A "frozen" problem names the field as the form labels it.
    """
    for problem in problems:
        name = (fields or {}).get(problem.field, problem.field)
        target = form[name] if name and name in form else None
        label = target.label.text if target is not None else None
        text = message(problem, **({"label": label} if label else {}))
        if target is not None and problem.code != "frozen":
            target.errors = [*target.errors, text]
        else:
            form.form_errors.append(text)
    return problems


def error_list(problems, titles=None):
    """(target field id or None, sentence) for each problem: the errors of a form built by hand.

    titles: {proposal id: title}, so a problem about one project (values "proposal_id") names it.
    """
    return [(problem.field, message(problem, project=(titles or {}).get(problem.values.get("proposal_id"))))
            for problem in problems]
