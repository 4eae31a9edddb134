"""Text as people type and read it."""

from eventsapp.text import sort_key


def test_names_sort_as_people_expect_accents_or_not():
    names = ["Zoë Adams", "élodie Martin", "Eve Stone", "Łukasz Nowak", "lee Park", "Émile Roy", "Ada Lin"]
    assert sorted(names, key=sort_key) == [
        "Ada Lin",
        "élodie Martin",
        "Émile Roy",
        "Eve Stone",
        "lee Park",
        "Łukasz Nowak",
        "Zoë Adams",
    ]


def test_a_plain_name_and_its_accented_twin_sort_alike():
    assert sort_key("Elodie") == sort_key("Élodie") == sort_key("ELODIE") == "elodie"
