import pytest

from contactcenter.assistant.services import AssistantAnswer, InvalidQuestion, assistant_ask
from contactcenter.core.errors import ApplicationError


@pytest.mark.django_db
def test_answers_a_covered_question_in_its_language():
    answer = assistant_ask(question="I moved, how do I update my address?")
    assert isinstance(answer, AssistantAnswer)
    assert answer.topic == "change-address"
    assert answer.language == "en"
    assert answer.links and answer.links[0].url
    assert not answer.handoff


@pytest.mark.django_db
def test_representative_hands_over():
    answer = assistant_ask(question="representative", language="en")
    assert answer.handoff is True


@pytest.mark.django_db
def test_personal_data_is_flagged_and_masked():
    answer = assistant_ask(question="my A-Number is A123456789, where is my card?")
    assert "a_number" in answer.personal_data
    assert "123456789" not in answer.question_masked


@pytest.mark.django_db
@pytest.mark.parametrize("question", ["", "   ", "x" * 501])
def test_empty_or_long_questions_are_refused(question):
    with pytest.raises(InvalidQuestion) as raised:
        assistant_ask(question=question)
    assert isinstance(raised.value, ApplicationError)
