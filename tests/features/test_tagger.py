"""Exact tags for hand-written sentences: positives and near-misses for every detector."""

from __future__ import annotations

import pandas as pd
import pytest

from reciprocal.errors import ConfigError
from reciprocal.features import FLAG_COLUMNS, TAG_COLUMNS, tag_texts

# text, disclosure_emotional, disclosure_informational, bid, set of True flags
CASES = [
    ("no thanks", 0, 0, "none", {"minimal"}),
    ("thank you so much!", 0, 0, "none", {"gratitude"}),
    ("thanks for nothing", 0, 0, "none", {"conflict"}),
    ("if I were sad", 0, 0, "none", set()),
    ("are you sad?", 0, 0, "none", {"exploration", "question"}),
    ("I feel so sad today :(", 2, 0, "negative", set()),
    ("I feel sad", 1, 0, "negative", set()),
    ("I got the job!!", 0, 1, "positive", set()),
    ("I got fired today", 0, 2, "negative", set()),
    ("My mom was diagnosed with cancer", 0, 2, "negative", set()),
    ("I am 25 and I live in Berlin", 0, 1, "none", set()),
    ('She said "I hate you" to him', 0, 0, "none", {"conflict"}),
    ("can we talk?", 0, 0, "ask", {"question"}),
    ("ok", 0, 0, "none", {"minimal"}),
    ("lol 😂", 0, 0, "none", {"minimal"}),
    ("It is raining today.", 0, 0, "none", set()),
    ("The meeting is at 5pm", 0, 0, "none", set()),
    ("that sounds really hard", 0, 0, "none", {"interpretation"}),
    ("you should talk to a therapist", 0, 0, "none", {"advice"}),
    ("want me to come over?", 0, 0, "none", {"offer", "question", "needs_question"}),
    ("you did the right thing", 0, 0, "none", {"validation"}),
    ("what do you need from me?", 0, 0, "none", {"exploration", "question", "needs_question"}),
    ("how was your day?", 0, 0, "none", {"exploration", "question", "checkin"}),
    ("good morning!", 0, 0, "none", {"checkin"}),
    ("you are amazing", 0, 0, "none", {"validation", "appreciation"}),
    ("you always make me laugh, love it", 2, 0, "positive", {"appreciation"}),
    ("you always forget my birthday", 0, 1, "none", {"conflict"}),
    ("sorry I was rude yesterday, my bad", 0, 1, "none", {"apology"}),
    ("sorry to hear that", 0, 0, "none", {"emotional_reaction"}),
    ("whatever. leave me alone", 0, 0, "none", {"conflict"}),
    ("we should catch up soon", 0, 0, "none", {"vague_plan"}),
    ("lets grab dinner tomorrow at 7", 0, 0, "none", {"concrete_plan"}),
    # "deal" confirms a plan only as its own sentence.
    ("ok, deal!", 0, 0, "none", {"concrete_plan"}),
    ("it's a deal", 0, 0, "none", {"concrete_plan"}),
    ("I can't deal with this", 0, 0, "none", set()),
    ("no big deal", 0, 0, "none", {"minimal"}),
    # question = asking the partner something; requests and suggestions phrased as questions are not.
    ("can you swim?", 0, 0, "none", {"exploration", "question"}),
    ("may I ask where she lives?", 0, 0, "none", {"question"}),
    ("would you like some tea?", 0, 0, "none", {"exploration", "question", "needs_question"}),
    ("is it raining there? could I borrow an umbrella", 0, 0, "none", {"exploration", "question"}),
    ("would you ever move abroad?", 0, 0, "none", {"exploration", "question"}),
    ("can you give me more details?", 0, 0, "none", {"exploration", "question"}),
    ("can I have the bill please?", 0, 0, "none", set()),
    ("excuse me, could I have the bill?", 0, 0, "none", set()),
    ("can we get the bill please?", 0, 0, "none", set()),
    ("shall we go?", 0, 0, "none", set()),
    ("why don't we watch a movie?", 0, 0, "none", set()),
    ("how about we grab lunch tomorrow?", 0, 0, "none", {"advice", "concrete_plan"}),
    # A short echo that the text goes on to answer reacts; it does not ask.
    ("Really? I didn't expect that.", 0, 1, "none", set()),
    ("Lobster? It is steamed.", 0, 0, "none", set()),
    ("Really?", 0, 0, "none", {"question"}),
    ("What? I missed that", 1, 0, "negative", {"question"}),
    ("you ok? I saw your post", 0, 0, "none", {"exploration", "question"}),
    ("Really? When did that happen?", 0, 0, "none", {"exploration", "question"}),
    ("pardon? the line is bad", 0, 0, "none", {"question"}),
    # gratitude: chat forms; not "tx" (Texas), not telling someone to be grateful, not a request
    ("thx so much!", 0, 0, "none", {"gratitude"}),
    ("tysm!!", 0, 0, "none", {"gratitude"}),
    ("much appreciated", 0, 0, "none", {"gratitude"}),
    ("thank u", 0, 0, "none", {"gratitude"}),
    ("many thanks for the help", 0, 0, "none", {"gratitude"}),
    ("really appreciate it", 0, 0, "none", {"gratitude"}),
    ("thanks a lot", 0, 0, "none", {"gratitude"}),
    ("no thanks to you", 0, 0, "none", set()),
    ("you should be grateful", 0, 0, "none", {"advice"}),
    ("would appreciate it if you called first", 0, 0, "none", set()),
    ("thank me later", 0, 0, "none", {"minimal"}),
    ("she lives in TX", 0, 0, "none", set()),
    ("I'd rather not, thank you", 0, 0, "none", set()),
    ("I'll pass, thanks", 0, 0, "none", set()),
    # apology: admitting fault; not sympathy, pity, negation, criticism or someone else's intention
    ("my bad, forgot", 0, 0, "none", {"apology"}),
    ("I apologize for yesterday", 0, 0, "none", {"apology"}),
    ("we apologize for the delay", 0, 0, "none", {"apology"}),
    ("I shouldn't have said that", 0, 0, "none", {"apology"}),
    ("forgive me", 0, 0, "none", {"apology"}),
    ("that's on me", 0, 0, "none", {"apology"}),
    ("srry im late", 0, 0, "none", {"apology"}),
    ("sorry but you're wrong", 0, 0, "none", set()),
    ("sorry? didn't catch that", 0, 0, "none", {"question"}),
    ("sorry, what?", 0, 0, "none", {"question"}),
    ("I'm not sorry", 0, 0, "none", set()),
    ("what a sorry state", 0, 0, "none", set()),
    ("sorry to say it's closed", 0, 0, "none", set()),
    ("you should apologize", 0, 0, "none", {"advice"}),
    ("it's not my fault", 0, 0, "none", set()),
    ("he didn't mean to", 0, 0, "none", set()),
    ("I shouldn't have to ask twice", 0, 0, "none", set()),
    ("she feels sorry for him", 0, 0, "none", set()),
    # Sympathy that names the partner's situation also restates it (interpretation).
    ("sorry your dog died", 0, 0, "none", {"emotional_reaction", "interpretation"}),
    ("I'm sorry that you are going through this", 0, 0, "none", {"emotional_reaction", "interpretation"}),
    ("so sorry to hear that you lost your job", 0, 0, "none", {"emotional_reaction", "interpretation"}),
    # "sorry it / this / that ..." is sympathy only about what happened to the partner; about one's own
    # message or act it apologises.
    ("I'm so sorry it happened to you", 0, 0, "none", {"emotional_reaction"}),
    # Interjections react where they stand on their own; "take care of …" is not a well-wish.
    ("damn, that's rough", 0, 0, "none", {"emotional_reaction"}),
    ("I don't give a damn", 0, 0, "none", set()),
    ("that was a wow moment", 0, 0, "none", set()),
    ("that's huge, wow", 0, 0, "none", {"emotional_reaction"}),
    ("take care!", 0, 0, "none", {"emotional_reaction"}),
    ("take care of yourself", 0, 0, "none", {"emotional_reaction"}),
    ("she has to take care of her mom", 0, 0, "none", set()),
    ("sorry this is happening", 0, 0, "none", {"emotional_reaction"}),
    ("sorry for your situation", 0, 0, "none", {"emotional_reaction"}),
    ("sorry about your exam", 0, 0, "none", {"emotional_reaction"}),
    ("sorry it took so long", 0, 0, "none", {"apology"}),
    ("sorry this is long", 0, 0, "none", {"apology"}),
    ("sorry that I yelled", 0, 0, "none", {"apology"}),
    ("sorry that wasn't helpful", 0, 0, "none", {"apology"}),
    ('"sorry" is all he said', 0, 0, "none", set()),
    (
        "congrats!! so proud of you, how did it go?",
        0,
        0,
        "none",
        {"emotional_reaction", "exploration", "validation", "question", "appreciation"},
    ),
    # Response codes: open questions explore; echo questions ("so you ...?") and "you + feeling"
    # frames reflect; questions that propose an action advise; reassurance validates.
    ("so you feel left out?", 0, 0, "none", {"interpretation", "question"}),
    ("your boss said that?", 0, 0, "none", {"interpretation", "question"}),
    ("you ok?", 0, 0, "none", {"exploration", "question"}),
    ("how do you feel about it?", 0, 0, "none", {"exploration", "question"}),
    ("has your sister called you back?", 0, 0, "none", {"exploration", "question"}),
    ("you're working so hard, is that right?", 0, 0, "none", {"interpretation", "question"}),
    ("what time does the shop open?", 0, 0, "none", {"question"}),
    ("you coming tonight?", 0, 0, "none", {"exploration", "question"}),
    ("good. and yourself?", 0, 0, "none", {"exploration", "question"}),
    ("you two were close?", 0, 0, "none", {"interpretation", "question"}),
    ("what else do you enjoy", 0, 0, "none", {"exploration"}),
    ("have you tried talking to her?", 0, 0, "none", {"advice", "question"}),
    ("do you have someone to talk to?", 0, 0, "none", {"exploration", "question"}),
    ("maybe ask her?", 0, 0, "none", {"advice", "question"}),
    ("you should try again?", 0, 0, "none", {"advice", "question"}),
    ("how about a walk?", 0, 0, "none", {"advice"}),
    # A verb-initial advice cue suggests after "you", "I would" or an inclusive "we need to"; after another
    # subject it narrates or describes: "I try to", "he might talk to her", "someone to talk to".
    ("just try to relax", 0, 0, "none", {"advice"}),
    ("I'd talk to her first", 0, 0, "none", {"advice"}),
    ("we need to focus on ourselves", 0, 0, "none", {"advice"}),
    ("I try to keep busy", 0, 0, "none", set()),
    ("he might talk to her", 0, 0, "none", set()),
    ("he needs to talk to her", 0, 0, "none", set()),
    ("it's important to talk to her", 0, 0, "none", {"advice"}),
    ("it will take time", 0, 0, "none", set()),
    ("they should move on", 0, 0, "none", set()),
    ("I never had anyone to talk to", 0, 1, "none", set()),
    ("I just talk to him and try to figure it out", 0, 1, "none", set()),
    ("talk to him and try to figure it out", 0, 0, "none", {"advice"}),
    ("I would call and talk to her", 0, 0, "none", {"advice"}),
    ("maybe it's time to let her go", 0, 0, "none", {"advice"}),
    ("I can suggest a few apps", 0, 0, "none", {"advice"}),
    # "I wouldn't" advises before a verb of action or counsel, not before a verb of stance.
    ("I wouldn't trust him", 0, 0, "none", {"advice"}),
    ("i wouldnt risk it", 0, 0, "none", {"advice"}),
    ("I wouldn't say that", 0, 0, "none", set()),
    ("I wouldn't be surprised", 0, 0, "none", set()),
    ("I wouldn't mind a break", 0, 0, "none", set()),
    # "helped me" narrates ("what helped me" advises); "or maybe" speculates unless a suggestion follows.
    ("it helped me a lot", 0, 0, "none", set()),
    ("what helped me was running", 0, 0, "none", {"advice"}),
    ("or maybe he was busy", 0, 0, "none", set()),
    ("or maybe just call her", 0, 0, "none", {"advice"}),
    ("could you tell me more?", 0, 0, "none", {"exploration", "question"}),
    ("tell me more about it", 0, 0, "none", {"exploration"}),
    # Asking the partner to say what they need or to explain explores, with or without "you".
    ("how can I help?", 0, 0, "none", {"exploration", "offer", "question", "needs_question"}),
    ("how may I be of service?", 0, 0, "none", {"exploration", "question"}),
    ("why is that?", 0, 0, "none", {"exploration", "question"}),
    ("what caused the fight?", 0, 0, "none", {"exploration", "question"}),
    ("it sounds like a plan", 0, 0, "none", {"concrete_plan"}),
    ("you seem really stressed", 0, 0, "none", {"interpretation"}),
    ("you're feeling anxious about the exam.", 0, 0, "none", {"interpretation"}),
    ("you must be exhausted", 0, 0, "none", {"interpretation"}),
    ("so basically he left", 0, 0, "none", {"interpretation"}),
    ("he left, so basically it's over", 0, 0, "none", set()),
    ("I understand how you feel", 0, 0, "none", {"interpretation"}),
    ("it makes you feel better", 0, 0, "none", {"emotional_reaction"}),
    ("you made me so sad", 2, 0, "negative", set()),
    ("if you are sad, call me", 0, 0, "ask", {"offer"}),
    ("you will be happy there", 0, 0, "none", set()),
    ("you are not alone", 0, 0, "none", {"validation"}),
    # Other people's experience reassures only when the sentence addresses the partner.
    ("a lot of people feel the way you do", 0, 0, "none", {"validation"}),
    ("many people don't know this", 0, 0, "none", set()),
    ("there's always two sides", 0, 0, "none", set()),
    ("I bet you'll nail it", 0, 0, "none", {"validation"}),
    ("I bet it's the battery", 0, 0, "none", set()),
    ("you'll find someone who gets you", 0, 0, "none", {"validation"}),
    ("you will figure it out", 0, 0, "none", {"validation"}),
    ("that's pretty normal at your age", 0, 0, "none", {"validation"}),
    ("you've shown real courage", 0, 0, "none", {"validation"}),
    ("you shouldn't feel guilty about it", 0, 0, "none", {"validation"}),
    ("there's nothing to be worried about", 0, 0, "none", {"validation"}),
    ("your friends will get you through this", 0, 0, "none", {"validation"}),
    ("it's normal to feel nervous", 0, 0, "none", {"validation"}),
    ("I'm sure you can do it", 0, 0, "none", {"validation"}),
    ("you're not a burden", 0, 0, "none", {"validation"}),
    ("don't worry, it will pass", 0, 0, "none", {"validation"}),
    ("it will rain tomorrow", 0, 0, "none", set()),
    ("what are you making for dinner?", 0, 0, "none", {"exploration", "question"}),
    ("you must stay in bed", 0, 0, "none", {"advice"}),
    ("on Saturday they go to the park", 0, 0, "none", set()),
    ("one thing that helped me was journaling", 0, 0, "none", {"advice"}),
    ("maybe try writing it down", 0, 0, "none", {"advice"}),
    ("it might help to write it down", 0, 0, "none", {"advice"}),
    ("I would suggest a long walk", 0, 0, "none", {"advice"}),
    ("why not try yoga", 0, 0, "none", {"advice"}),
    # "maybe" / "perhaps" suggest before "you", a verb or an -ing form, and speculate before a statement.
    ("maybe call her tonight", 0, 0, "none", {"advice"}),
    ("perhaps you need a break", 0, 0, "none", {"advice"}),
    ("maybe writing it down helps", 0, 0, "none", {"advice"}),
    ("maybe just go for a walk", 0, 0, "none", {"advice"}),
    ("maybe he'll come around", 0, 0, "none", set()),
    ("maybe they were busy", 0, 0, "none", set()),
    ("perhaps it was a mistake", 0, 0, "none", set()),
    ("maybe he is right?", 0, 0, "none", {"question"}),
    # An advice cue inside a longer affirmation or offer is not a suggestion; well-wishes are not advice.
    ("you should be proud of yourself", 0, 0, "none", {"validation"}),
    ("you can talk to me anytime", 0, 0, "none", {"offer"}),
    ("you should talk to her", 0, 0, "none", {"advice"}),
    ("stay safe!", 0, 0, "none", {"emotional_reaction"}),
    ("be well", 0, 0, "none", {"emotional_reaction"}),
    ("stay away from him", 0, 0, "none", {"advice"}),
    # "I hope / glad (that) you're feeling ..." wishes, it does not reflect.
    ("I hope you're feeling better", 1, 0, "none", {"emotional_reaction"}),
    ("so glad that you are feeling better", 0, 0, "none", set()),
    ("you're feeling left out", 0, 0, "none", {"interpretation"}),
    # Trait words and hopeful assurances affirm only in a sentence that addresses the partner.
    ("you are so strong", 0, 0, "none", {"validation"}),
    ("she used such strong words", 0, 0, "none", set()),
    ("I'm sure you'll find a way", 0, 0, "none", {"validation"}),
    ("I'm sure there are reasons", 0, 0, "none", set()),
    ("hopefully you can rest this weekend", 0, 0, "none", {"validation"}),
    ("hopefully the weather holds", 0, 0, "none", set()),
    # Chat drops the subject "I" where a statement opens ("feeling sad today" = "I'm feeling sad
    # today"); a question drops "you" instead, and reactions, wishes and affection stay what they are.
    ("feeling sad today", 1, 0, "negative", set()),
    ("feeling so sad today", 2, 0, "negative", set()),
    ("just got fired", 0, 2, "negative", set()),
    ("got the job!!", 0, 1, "positive", set()),
    ("so tired of everything", 2, 0, "negative", set()),
    ("I'm fine. just tired", 1, 0, "negative", set()),
    ("exhausted.", 1, 0, "negative", set()),
    ("hate mondays", 2, 0, "negative", set()),
    ("Love the new haircut", 2, 0, "positive", set()),
    ("feeling sad?", 0, 0, "none", {"question"}),
    ("feel better soon!", 0, 0, "none", {"emotional_reaction", "validation"}),
    ("so proud of you", 0, 0, "none", {"emotional_reaction", "validation", "appreciation"}),
    ("had a great time with you", 0, 0, "none", set()),
    ("love you", 0, 0, "none", {"appreciation"}),
    ("ok love", 0, 0, "none", {"minimal"}),
    ("got it", 0, 0, "none", {"minimal"}),
    ('He said "feeling great"', 0, 0, "none", set()),
    # A kinship word without a determiner is one's own ("mom's ..." = "my mom's ...").
    ("mom's in the hospital again", 0, 2, "negative", set()),
    ("grandma passed away last night", 0, 2, "negative", set()),
    ("dad says hi", 0, 1, "none", set()),
    ("her mom is in the hospital", 0, 0, "none", set()),
    ("mom", 0, 0, "none", {"minimal"}),
    ("miss u", 0, 0, "none", {"checkin"}),
    # Offers of presence: "I'm here" confirms an arrival, not inside an offer; "call me" asks, not
    # when the text makes it an offer.
    ("I'm here for you", 0, 0, "none", {"emotional_reaction", "offer"}),
    ("ok I'm here", 0, 0, "none", {"concrete_plan", "offer"}),
    ("call me if you need anything", 0, 0, "none", {"offer"}),
    ("call me", 0, 0, "ask", {"offer"}),
    ("💔", 0, 0, "none", {"emotional_reaction", "minimal"}),
    # Dismissing, minimising or blaming is friction, and no support code is read into it ("get" does
    # not advise, "what did you expect" does not explore); outside such a marker the codes stay.
    ("you're overreacting", 0, 0, "none", {"conflict"}),
    ("get over it", 0, 0, "none", {"conflict"}),
    ("stop being so dramatic", 0, 0, "none", {"conflict"}),
    ("well what did you expect", 0, 0, "none", {"conflict", "question"}),
    ("get some rest", 0, 0, "none", {"advice"}),
    ("it's not your fault", 0, 0, "none", {"validation"}),
    ("wtf are you ok??", 0, 0, "none", {"conflict", "exploration", "question"}),
    # A verb that opens a sentence advises, not when the speaker acts on the partner ("see you", "call
    # you later") or proposes a plan ("let's ...").
    ("let it go", 0, 0, "none", {"advice"}),
    ("let's grab coffee next week", 0, 0, "none", {"vague_plan"}),
    ("we should do this again", 0, 0, "none", {"vague_plan"}),
    ("see you saturday!", 0, 0, "none", {"concrete_plan"}),
    ("call you later", 0, 0, "none", {"minimal"}),
    # Check-ins and well-wishes, also without "you"; a well-wish with a verb is no advice.
    ("sleep well x", 0, 0, "none", {"checkin"}),
    ("get home safe", 0, 0, "none", {"checkin"}),
    ("hope today goes well", 0, 0, "none", {"checkin"}),
    ("night night", 0, 0, "none", {"checkin"}),
    ("how's your week been?", 0, 0, "none", {"checkin", "exploration", "question"}),
    ("u good?", 0, 0, "none", {"checkin", "exploration", "question"}),
    # A negated emotion still discloses a feeling, but its polarity is VADER's: no negative bid.
    ("I'm not sad", 1, 0, "none", set()),
    ("not tired at all", 1, 0, "none", set()),
    ("I can't stop crying", 2, 0, "negative", set()),
    ("I'm not happy about this", 2, 0, "negative", set()),
    # A state that is no emotion word on its own is one after a feeling verb ("down for lunch?" is not).
    ("feeling kinda down today", 1, 0, "negative", set()),
    ("felt so left out at the party", 2, 0, "negative", set()),
    ("I don't feel stuck anymore", 1, 0, "none", set()),
    ("I'm down to go", 0, 0, "none", set()),
    ("can't sleep again", 1, 0, "negative", set()),
    # A check-in or well-wish carries a feeling but is no bid; missing someone else still is.
    ("I miss you so much", 1, 0, "none", {"checkin"}),
    ("I hope work was ok", 1, 0, "none", {"checkin"}),
    ("I miss my dad so much", 1, 1, "negative", set()),
    # An implied-"I" statement that judges one's own day: the evaluative word is the feeling, with the
    # text's VADER polarity; an event ("worst day" is bad news) is no judgement.
    ("today was awful", 1, 0, "negative", set()),
    ("today was amazing!!", 2, 0, "positive", set()),
    ("got a great deal on the tickets", 2, 0, "positive", set()),
    ("had the worst day ever", 0, 0, "negative", set()),
    ("today is monday", 0, 0, "none", {"minimal"}),
    ("work is fine", 0, 1, "none", set()),
    # A verb read as "I ..." is no imperative ("think so", "don't know"); "don't feel bad" still advises.
    ("think so", 0, 0, "none", {"minimal"}),
    ("don't know", 0, 0, "none", {"minimal"}),
    ("don't feel bad", 0, 0, "none", {"advice"}),
    ("need help with something", 0, 0, "ask", set()),
    ("hate when that happens", 0, 0, "none", {"emotional_reaction"}),
]


@pytest.mark.parametrize(("text", "emo", "info", "bid", "flags"), CASES, ids=[c[0] for c in CASES])
def test_tags_of_hand_written_sentences(text: str, emo: int, info: int, bid: str, flags: set[str]) -> None:
    # Rules only: the classifier's extra disclosures are tested separately below.
    row = tag_texts([text], classifier=False).iloc[0]
    assert row["disclosure_emotional"] == emo
    assert row["disclosure_informational"] == info
    assert row["bid"] == bid
    assert {c for c in FLAG_COLUMNS if row[c]} == flags


def test_columns_dtypes_and_index_are_kept() -> None:
    s = pd.Series(["thanks", None, "thanks"], index=[10, 11, 12])
    out = tag_texts(s, classifier=False)
    assert list(out.columns) == list(TAG_COLUMNS)
    assert list(out.index) == [10, 11, 12]
    assert out["disclosure_emotional"].dtype == "int8"
    assert list(out["bid"].cat.categories) == ["none", "negative", "positive", "ask"]
    assert out["gratitude"].tolist() == [True, False, True]
    assert out["evidence"].tolist() == ["gratitude:thanks", "", "gratitude:thanks"]


def test_evidence_names_the_pattern_that_fired() -> None:
    ev = tag_texts(["oh no, that's awful. are you ok?"])["evidence"].iloc[0]
    assert ev == "emotional_reaction:oh no,that's awful; exploration:are you ok; question:"


def test_sentiment_is_vader_compound() -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    texts = ["I love this so much!!", "worst day ever :(", "the bus is at 5", "🎉"]
    sia = SentimentIntensityAnalyzer()
    expected = [sia.polarity_scores(t)["compound"] for t in texts]
    assert tag_texts(texts)["sentiment"].tolist() == expected


def test_context_turns_sorry_for_bad_news_into_sympathy_and_finds_self_shift() -> None:
    texts = ["I'm sorry", "I'm sorry", "I bought a new bike yesterday", "I bought a new bike yesterday"]
    context = [
        "I got fired today and I feel awful",
        "you forgot my birthday",
        "I got fired today",
        "my bike broke",
    ]
    out = tag_texts(texts, context=context)
    assert out["apology"].tolist() == [False, True, False, False]
    # Chat spellings of a bare "sorry" are sympathy after bad news too.
    assert tag_texts(["srry"], context=["I got fired today"])["emotional_reaction"].tolist() == [True]
    assert out["emotional_reaction"].tolist() == [True, False, False, False]
    # Talking about oneself with no word in common with the bid; "bike" is shared in the last row.
    assert out["self_shift"].tolist() == [False, False, True, False]


def test_context_of_wrong_length_is_an_error() -> None:
    with pytest.raises(ConfigError, match="context has 1 values but texts has 2"):
        tag_texts(["a", "b"], context=["x"])


def test_user_pattern_file_extends_a_detector(tmp_path) -> None:
    extra = tmp_path / "mine.jsonl"
    extra.write_text('{"lang": "en", "label": "gratitude", "patterns": ["much obliged"]}\n', encoding="utf-8")
    assert tag_texts(["much obliged"])["gratitude"].tolist() == [False]
    assert tag_texts(["much obliged"], patterns=[extra])["gratitude"].tolist() == [True]


def test_phrases_with_you_also_match_chat_spellings(tmp_path) -> None:
    # "you" / "your" / "you're" in a phrase also match "u" / "ur", in bundled and user pattern files.
    extra = tmp_path / "mine.jsonl"
    extra.write_text('{"lang": "en", "label": "appreciation", "patterns": ["you rock"]}\n', encoding="utf-8")
    out = tag_texts(["u rock", "you rock", "ur rock", "yo rock"], patterns=[extra], classifier=False)
    assert out["appreciation"].tolist() == [True, True, False, False]  # "ur" is your / you're
    bundled = tag_texts(["proud of u", "sorry for ur loss", "ur amazing", "thank u"], classifier=False)
    assert bundled["evidence"].tolist() == [
        "emotional_reaction:proud of u; validation:proud of u; appreciation:proud of u",
        "emotional_reaction:sorry for ur loss",
        "validation:ur amazing; appreciation:ur amazing",
        "gratitude:thank u",
    ]


def test_bad_user_pattern_file_names_file_and_line(tmp_path) -> None:
    extra = tmp_path / "bad.jsonl"
    extra.write_text(
        '{"lang": "en", "label": "gratitude", "patterns": ["ta"]}\n{"lang": "en", "label": "nope"}\n'
    )
    with pytest.raises(ConfigError, match=r"bad\.jsonl:2: unknown label 'nope'"):
        tag_texts(["x"], patterns=[extra])


def test_identical_texts_get_identical_rows() -> None:
    out = tag_texts(["I feel sad", "ok", "I feel sad"])
    pd.testing.assert_series_equal(out.iloc[0], out.iloc[2], check_names=False)


def test_classifier_adds_implicit_disclosures_only_with_self_reference() -> None:
    texts = ["I just went through this same thing with my husband", "The bus is late again"]
    rules = tag_texts(texts, classifier=False)
    both = tag_texts(texts)
    assert rules["disclosure_informational"].tolist() == [1, 0]
    assert rules["disclosure_emotional"].tolist() == [0, 0]
    assert both["disclosure_emotional"].tolist() == [1, 0]
    assert both["evidence"].iloc[0].startswith("disclosure_emotional:classifier p=")


def test_classifier_reads_an_implied_first_person_for_feelings_only() -> None:
    # No rule names the first feeling ("bad" is no emotion word, and the text's VADER compound, -0.36, is
    # too weak for an evaluative word to count; "down" after "feeling" is a rule cue, "really" makes it
    # high); "I" is dropped, and "the worst day ever" has no first person.
    # The classifier's informational output is not used on an implied "I" alone (both texts score above
    # its threshold).
    import spacy

    from reciprocal.nlp.textcat import load_classifier

    texts = ["had a bad dream", "feeling really down today", "the worst day ever"]
    clf = load_classifier("en")
    assert clf is not None
    p = clf.predict([spacy.blank("en").make_doc(t) for t in texts])
    emo, info = clf.labels.index("emotional"), clf.labels.index("informational")
    assert (p[:2, emo] >= clf.thresholds["emotional"]).all()
    assert (p[:2, info] >= clf.thresholds["informational"]).all()
    out = tag_texts(texts)
    assert out["disclosure_emotional"].tolist() == [1, 2, 0]
    assert out["disclosure_informational"].tolist() == [0, 0, 0]
    assert out["evidence"].iloc[0].startswith("disclosure_emotional:classifier p=")
    assert out["evidence"].iloc[1] == "disclosure_emotional:down; bid:negative"
    assert out["bid"].tolist() == ["negative", "negative", "none"]


def test_classifier_adds_no_disclosure_to_an_offer() -> None:
    # Like sympathy, an offer is a reply to the partner, not the replier's own disclosure, although the
    # classifier scores this one above both disclosure thresholds.
    import spacy

    from reciprocal.nlp.textcat import load_classifier

    clf = load_classifier("en")
    assert clf is not None
    p = clf.predict([spacy.blank("en").make_doc("I'm here if you need me")])[0]
    assert p[0] >= clf.thresholds["emotional"] and p[1] >= clf.thresholds["informational"]
    row = tag_texts(["I'm here if you need me"]).iloc[0]
    assert (row["disclosure_emotional"], row["disclosure_informational"]) == (0, 0)
    assert row["offer"]


def test_repair_markers_include_asks_to_make_up() -> None:
    from reciprocal.features.tagger import score_texts

    texts = ["let's not fight", "are we ok?", "can we start over?", "are you ok?", "let's get food"]
    assert score_texts(texts, classifier=False)["repair_marker"].tolist() == [True, True, True, False, False]


def test_classifier_adds_no_support_code_to_a_friction_marker() -> None:
    import spacy

    from reciprocal.nlp.textcat import load_classifier

    clf = load_classifier("en")
    assert clf is not None
    texts = ["it's your own fault", "it's not your fault"]
    p = clf.predict([spacy.blank("en").make_doc(t) for t in texts])
    k = clf.labels.index("support")
    assert (p[:, k] >= clf.thresholds["support"]).all()  # both read as supportive by the model
    out = tag_texts(texts)
    assert out["conflict"].tolist() == [True, False]
    assert out["emotional_reaction"].tolist() == [False, True]
    assert out["evidence"].tolist()[0] == "conflict:your own fault"


# Classifier-based support codes: one informational and one emotional supportive statement that no
# phrase list names, then near-misses: statements the classifier scores as supportive but that are the
# author's own disclosure without "you", thanks, or an apology; a plain report; a three-word message.
SUPPORT_TEXTS = [
    "A break from him would be good, or some time apart if the anger is the problem.",
    "Sending lots of love to you and your family.",
    "I hope things get better for my sister soon.",
    "Thank you so much for your help today.",
    "Sorry, but he is out for lunch right now.",
    "We went to the beach last weekend with the kids.",
    "lots of love",
]


def test_classifier_adds_one_support_code_to_supportive_statements() -> None:
    import spacy

    from reciprocal.features.tagger import SUPPORT_CODES
    from reciprocal.nlp.textcat import load_classifier

    rules = tag_texts(SUPPORT_TEXTS, classifier=False)
    both = tag_texts(SUPPORT_TEXTS)
    assert not rules[list(SUPPORT_CODES)].to_numpy().any()
    assert both["advice"].tolist() == [True, False, False, False, False, False, False]
    assert both["emotional_reaction"].tolist() == [False, True, False, False, False, False, False]
    for code in ("interpretation", "exploration", "validation", "offer"):
        assert not both[code].any(), code
    clf = load_classifier("en")
    assert clf is not None
    nlp = spacy.blank("en")
    p = clf.predict([nlp.make_doc(t) for t in SUPPORT_TEXTS])[:, clf.labels.index("support")]
    # The near-misses 2-4 score as supportive; the rules' reading (disclosure, thanks, apology) wins.
    assert (p[2:5] >= clf.thresholds["support"]).all()
    assert both["gratitude"].tolist()[3] and both["apology"].tolist()[4]
    assert both["evidence"].tolist()[:2] == [
        f"advice:classifier p={p[0]:.2f}",
        f"emotional_reaction:classifier p={p[1]:.2f}",
    ]


def test_classifier_support_is_advice_only_when_informational_is_twice_as_probable() -> None:
    import spacy

    from reciprocal.features.tagger import _ADVICE_OVER_EMO
    from reciprocal.nlp.textcat import load_classifier

    texts = ["It is okay to ask your friends for some help.", "Talking to your boss might clear things up."]
    clf = load_classifier("en")
    assert clf is not None and _ADVICE_OVER_EMO == 2.0
    p = clf.predict([spacy.blank("en").make_doc(t) for t in texts])
    info, emo = clf.labels.index("info_support"), clf.labels.index("emo_support")
    # The first is informational by 1.5-2x (advice at the former factor 1.5), the second by more than 2x.
    assert 1.5 <= p[0, info] / p[0, emo] < 2.0 <= p[1, info] / p[1, emo]
    out = tag_texts(texts)
    assert out["validation"].tolist() == [True, False]
    assert out["emotional_reaction"].tolist() == [True, False]
    assert out["advice"].tolist() == [False, True]
    assert out["evidence"].tolist()[1].startswith("advice:classifier p=")


def test_classifier_is_not_used_on_messages_of_three_tokens_or_fewer() -> None:
    out = tag_texts(["I know", "me too", "I'm home", "same here lol"])
    assert out["disclosure_emotional"].tolist() == [0, 0, 0, 0]
    assert out["disclosure_informational"].tolist() == [0, 0, 0, 0]
    assert not out["evidence"].str.contains("classifier").any()


def test_classifier_without_support_labels_adds_no_support_code() -> None:
    from types import SimpleNamespace

    from reciprocal.features.tagger import _support_model

    old = SimpleNamespace(labels=("emotional", "informational"), thresholds={"emotional": 0.3})
    assert _support_model(old) is None
    assert _support_model(None) is None
    new = SimpleNamespace(
        labels=("emotional", "informational", "support", "info_support", "emo_support"),
        thresholds={"support": 0.34},
    )
    assert _support_model(new) == ((2, 3, 4), 0.34)
