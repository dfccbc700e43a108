"""Teacher links: decoding what a link locks, hides and sets, and building the link."""

from playground.classification_settings import FOCUS_IMPLIES, FOCUSABLE
from playground.focus import Focus, decode_focus, encode_focus, teacher_link

CHALLENGES = ("classification/spiral", "classification/xor")


def test_a_link_locks_hides_and_sets_a_challenge():
    params = {"lock": "lr,activation", "hide": "features", "challenge": "classification/xor"}
    focus, notices = decode_focus(params, FOCUSABLE, CHALLENGES)
    assert focus == Focus(frozenset({"lr", "activation"}), frozenset({"features"}), "classification/xor")
    assert notices == []
    assert decode_focus(encode_focus(focus, FOCUSABLE), FOCUSABLE, CHALLENGES) == (focus, [])


def test_unknown_names_are_dropped_with_one_notice_each_kind():
    focus, notices = decode_focus({"lock": "lr,<b>x</b>", "hide": "seed", "challenge": "spiral"}, FOCUSABLE, CHALLENGES)
    assert focus == Focus(frozenset({"lr"}))
    assert notices == [
        "Ignored lock '<b>x</b>' from the link: no such control here.",
        "Ignored hide 'seed' from the link: no such control here.",
        "Ignored challenge='spiral' from the link: no such challenge here.",
    ]


def test_hidden_wins_over_locked_and_a_fixed_data_set_fixes_its_problem_type():
    focus, _ = decode_focus({"lock": "lr,dataset", "hide": "lr"}, FOCUSABLE, CHALLENGES, FOCUS_IMPLIES)
    assert focus.hidden == {"lr"} and focus.locked == {"dataset", "problem"}
    assert decode_focus({}, FOCUSABLE, CHALLENGES) == (Focus(), [])
    assert encode_focus(Focus(), FOCUSABLE) == {}


def test_the_link_keeps_the_pages_address_and_replaces_its_query():
    focus = Focus(frozenset({"lr", "dataset"}), frozenset({"features"}), "classification/xor")
    link = teacher_link(
        "https://class.example:8501/classification?dataset=circle#top", {"dataset": "xor"}, focus, FOCUSABLE
    )
    assert link == (
        "https://class.example:8501/classification?dataset=xor&lock=dataset,lr&hide=features"
        "&challenge=classification/xor"
    )
