"""Read the words around a sound in a caption into recipe parameters.

"a dog barks twice in the distance" -> {"count": 2, "distance": 0.8}
"heavy footsteps on wooden stairs, slowly" -> {"intensity": 0.85, "size": 0.7,
                                              "material": "wood", "speed": 0.2}
"""
from __future__ import annotations

import re
from typing import Any

_NUMBERS = {"a single": 1, "single": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
            "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
            "twelve": 12, "a couple of": 2, "a pair of": 2, "a few": 3, "several": 4}
_HAPPENINGS = (r"knocks?|barks?|woofs?|shots?|gunshots?|tolls?|rings?|strikes?|beeps?|chimes?|"
               r"honks?|blasts?|hoots?|bangs?|claps?|thuds?|hits?|raps?|taps?|howls?|crows?|"
               r"meows?|caws?|moos?|whistles?|explosions?|booms?|dongs?|bongs?|toots?|bleats?|"
               r"neighs?|yelps?|cracks?|slams?|pops?|blows?|peals?|dings?|quacks?|hammer blows?")

# (regex, {parameter: value}); earlier rules win where two set the same parameter.
_RULES: list[tuple[str, dict[str, Any]]] = [
    # distance and occlusion
    (r"in the next room|next door|through the walls?|behind (?:a|the) (?:closed )?(?:door|wall)|"
     r"from upstairs|from downstairs|upstairs|downstairs|muffled|through the floor",
     {"muffled": True, "distance": 0.45}),
    (r"very (?:far|distant)|far,? far away|on the horizon|miles away|far across",
     {"distance": 0.95}),
    (r"in the distance|distant|far away|far-off|far off|faraway|from afar|far\b|remote|"
     r"across the (?:valley|bay|water|lake|field|fields|hills|river|city)|echoing from",
     {"distance": 0.8}),
    (r"\bfaint(?:ly)?\b", {"distance": 0.65, "intensity": 0.25}),
    (r"close by|close-by|up close|close-up|very close|nearby|right next to|next to|beside|"
     r"right behind|right outside|overhead|right here|in front of|\bnear\b",
     {"distance": 0.05}),
    # motion
    (r"passing by|passes by|passing|passes|goes by|going by|drives by|driving by|drives past|"
     r"driving past|speeds past|speeding past|whizz(?:es|ing)? (?:past|by)|zoom(?:s|ing)? "
     r"(?:past|by)|roars past|rush(?:es|ing)? past|flies over|flying over|flies overhead|"
     r"flying overhead|fly-?over|fly-?by|goes past|going past|races past|racing past",
     {"motion": "passing"}),
    (r"approach(?:es|ing)?|coming closer|comes? closer|draw(?:s|ing)? (?:near|closer)|"
     r"getting closer|gets closer|pull(?:s|ing)? in|pull(?:s|ing)? up|arriv(?:es|ing)|"
     r"coming towards?|comes towards?|closing in|rolls? in|rolling in",
     {"motion": "approaching"}),
    (r"reced(?:es|ing)|mov(?:es|ing) away|driv(?:es|ing) (?:away|off)|pull(?:s|ing) away|"
     r"depart(?:s|ing)|leav(?:es|ing)|walk(?:s|ing) away|fl(?:ies|ying) away|"
     r"into the distance|disappear(?:s|ing)|runs? away|running away|sails? away|"
     r"sailing away|heads? off|heading off", {"motion": "receding"}),
    # envelope over the event
    (r"fad(?:es|ing) in", {"envelope": "fade_in"}),
    (r"fad(?:es|ing) (?:away|out)|fad(?:es|ing)|dy(?:ing)? down|dies (?:down|away|out)|"
     r"dying (?:away|out)|subsid(?:es|ing)|trail(?:s|ing) off|getting quieter|gets quieter|"
     r"ebb(?:s|ing)|wind(?:s|ing) down|peters? out|petering out|stops|stopping|dwindl(?:es|ing)",
     {"envelope": "fade_out"}),
    (r"builds?|building|grows?|growing|ris(?:es|ing) to|swell(?:s|ing)|intensif(?:ies|ying)|"
     r"getting louder|gets louder|crescendo|gathering|mounting|rising",
     {"envelope": "swell"}),
    (r"sudden(?:ly)?|abrupt(?:ly)?|without warning", {"envelope": "sudden"}),
    # pace
    (r"slow(?:ly)?|leisurely|lazy|lazily|plodding|unhurried|measured|sluggish|creeping|"
     r"tiptoe(?:s|ing)?|sneak(?:s|ing)?|shuffl(?:es|ing)", {"speed": 0.2}),
    (r"quick(?:ly)?|fast|rapid(?:ly)?|hurried(?:ly)?|running|runs?|sprint(?:s|ing)?|"
     r"frantic(?:ally)?|racing|races|dash(?:es|ing)?|hasty|hastily|rush(?:es|ing)?|speedy",
     {"speed": 0.85}),
    # size
    (r"enormous|gigantic|giant|huge|massive|colossal|immense|vast|great big|deep",
     {"size": 0.9}),
    (r"\bbig\b|\blarge\b|\bgreat\b|heavy", {"size": 0.72}),
    (r"tiny|miniature|\btoy\b|little|small|wee", {"size": 0.2}),
    # intensity
    (r"heavy|loud(?:ly)?|violent(?:ly)?|strong|fierce(?:ly)?|raging|torrential|pounding|"
     r"\bhard\b|angr(?:y|ily)|furious(?:ly)?|powerful|intense|aggressive(?:ly)?|roaring|"
     r"thunderous|\bwild\b|driving|lashing|deafening|booming|blaring|wailing|frenzied|"
     r"relentless|ferocious|savage|huge|massive|enormous|explosive",
     {"intensity": 0.85}),
    (r"\blight(?:ly)?\b|\bsoft(?:ly)?\b|gentl[ey]|quiet(?:ly)?|slight|delicate(?:ly)?|"
     r"hushed|muted|\bweak\b|subtle|lazy|calm|peaceful|tender|whisper(?:ing|s)?|mellow|"
     r"drizzl(?:e|ing)|sprinkl(?:e|ing)|tiptoe(?:s|ing)?", {"intensity": 0.25}),
    (r"steady|moderate|constant|continuous", {"intensity": 0.5}),
    # colour
    (r"high-pitched|high pitched|shrill|piercing|bright|crisp|sharp|tinny|squeaky|screeching",
     {"brightness": 0.82}),
    (r"low-pitched|low pitched|\blow\b|\bdark\b|dull|deep|rumbling|warm|mellow|booming|"
     r"muffled|murky|bassy|hollow", {"brightness": 0.22}),
    # material
    (r"wooden|\bwood\b|timber|plank|floorboards?|boards|\bpier\b|\bdeck\b|boardwalk|"
     r"parquet|oak|pine", {"material": "wood"}),
    (r"metal(?:lic)?|steel|\biron\b|\btin\b|brass|copper|alumini?um|grate|grating|gantry|"
     r"catwalk|\bhull\b|corrugated", {"material": "metal"}),
    (r"\bglass(?:es)?\b|windows?|window ?pane|bottles?|crystal", {"material": "glass"}),
    (r"gravel|pebbles?|shingle|\bgrit\b|crunchy path", {"material": "gravel"}),
    (r"\bsnow(?:y)?\b|\bice\b|icy|frost(?:y)?|slush", {"material": "snow"}),
    (r"\bgrass(?:y)?\b|lawn|meadow|leaves|undergrowth|\bmoss\b|forest floor|\bdirt\b|\bmud\b|"
     r"\bearth\b|\bhay\b|\bstraw\b", {"material": "grass"}),
    (r"\bsand(?:y)?\b|\bbeach\b|\bdune", {"material": "sand"}),
    (r"stone|concrete|marble|\btiles?\b|tiled|pavement|cobble(?:stones?|d)?|asphalt|"
     r"sidewalk|\bbrick\b|\brock(?:y)?\b|\bfloor\b|corridor|hallway|stairwell|street",
     {"material": "stone"}),
    (r"ceramic|porcelain|china\b|pottery|plates?|\bmug\b|\bcups?\b|\bvase\b|\bbowl\b|dishes",
     {"material": "ceramic"}),
    (r"\bcloth\b|fabric|carpet(?:ed)?|\brug\b|cushion|pillow|\bbed\b|sofa|curtain",
     {"material": "cloth"}),
    (r"water|puddles?|splash(?:ing|es)?|\bwet\b|stream|river|\bsea\b", {"material": "water"}),
]
_COMPILED = [(re.compile(rf"(?<![a-z])(?:{pattern})(?![a-z])"), changes)
             for pattern, changes in _RULES]
_COUNT_WORDS = "|".join(sorted((re.escape(k) for k in _NUMBERS), key=len, reverse=True))
_COUNT_PATTERNS = [
    (re.compile(r"\bonce\b"), lambda m: 1),
    (re.compile(r"\btwice\b"), lambda m: 2),
    (re.compile(r"\bthrice\b"), lambda m: 3),
    (re.compile(rf"\b({_COUNT_WORDS}|\d+) times\b"), lambda m: _number(m.group(1))),
    (re.compile(rf"\b({_COUNT_WORDS}|\d+) (?:[a-z]+ )?(?:{_HAPPENINGS})\b"),
     lambda m: _number(m.group(1))),
]

# "a gunshot", "a single bark": one; "gunfire", "shots ring out": a few. (A knock at the door
# is a knocking, and "a bell rings" tolls: those recipes decide for themselves.)
_SINGLE = re.compile(r"\b(?:a|an|one) (?:[a-z]+ )?(?:gunshot|shot|bang|explosion|boom|bark|"
                     r"clang|thud|blast|honk|toot|hoot|splash|slam|crash|pop|yelp|meow|caw|"
                     r"moo|bleat|neigh|howl|scream|gasp|beep|whistle|thunderclap|crack)\b")
_SEVERAL = re.compile(r"\b(?:gunfire|gunshots|shots|shooting|explosions|booms|clangs|thuds|"
                      r"bangs|honks|beeps)\b")


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


def parse_modifiers(text: str) -> dict[str, Any]:
    """Parameter changes a caption (or one clause of it) asks for."""
    lowered = " ".join(text.lower().replace("—", " ").replace("–", " ").split())
    lowered = re.sub(r"[\"“”']", "", lowered)
    changes: dict[str, Any] = {}
    for pattern, values in _COMPILED:
        if pattern.search(lowered):
            for key, value in values.items():
                changes.setdefault(key, value)
    for pattern, number in _COUNT_PATTERNS:
        match = pattern.search(lowered)
        if match:
            changes["count"] = number(match)
            break
    else:
        if _SINGLE.search(lowered):
            changes["count"] = 1
        elif _SEVERAL.search(lowered):
            changes["count"] = 3
    return changes
