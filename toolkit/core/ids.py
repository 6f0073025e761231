"""Fixed identifiers from the contracts (section 2): the vocabulary every file and table shares."""

STAGES: tuple[str, ...] = ("consider", "create", "communicate", "commit")
LEVELS: tuple[str, ...] = ("strategic", "managerial", "frontline")
ALL_LEVELS = "all"  # a statement's level when it is about every level (the 12 C's structures, for example)
AGENCIES: tuple[str, ...] = (
    "local_authority",
    "police",
    "health",
    "education",
    "voluntary_community",
    "other",
)
C_IDS: tuple[str, ...] = (
    "c01_clarity",
    "c02_confidence",
    "c03_competence",
    "c04_capacity",
    "c05_congruence",
    "c06_colocation_cooperation",
    "c07_culture_of_challenge",
    "c08_cohesion",
    "c09_consistency_stability",
    "c10_coordination_of_data",
    "c11_collaboration_forums",
    "c12_continual_commitment",
)
C_GROUPS: dict[str, tuple[str, ...]] = {
    "practitioners_agencies": C_IDS[:4],
    "structures_processes": C_IDS[4:],
}
TOC_TIERS: tuple[str, ...] = ("inputs", "outputs", "intermediate_outcomes", "ultimate_outcomes")
# Kantar (2021), Annex 1, Table 3.
OPM_TO_TOC: dict[str, str] = {
    "create": "inputs",
    "communicate": "outputs",
    "commit": "intermediate_outcomes",
    "consider": "ultimate_outcomes",
}
APEASE: tuple[str, ...] = (
    "affordability",
    "practicability",
    "effectiveness",
    "acceptability",
    "side_effects",
    "equity",
)
RATED_FRAMEWORKS: tuple[str, ...] = ("opm", "twelve_cs")
REFERENCE_FRAMEWORKS: tuple[str, ...] = (
    "theory_of_change",
    "interventions",
    "apease",
    "implementation_guidance",
)

AGENCY_NAMES: dict[str, str] = {
    "local_authority": "Local authority",
    "police": "Police",
    "health": "Health",
    "education": "Education",
    "voluntary_community": "Voluntary and community",
    "other": "Other",
}
LEVEL_NAMES: dict[str, str] = {
    "strategic": "Strategic",
    "managerial": "Managerial",
    "frontline": "Frontline",
}
STAGE_NAMES: dict[str, str] = {s: s.capitalize() for s in STAGES}
