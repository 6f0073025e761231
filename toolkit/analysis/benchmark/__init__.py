"""Every area of a cycle against its peers: values, percentile ranks, peer quartiles and change, anonymised unless named."""

# How the numbers are made (the same rules as an area's own analysis, so the two pages agree):
# - each respondent's score for a stage or C is the mean of their answers to its statements (don't know is left out);
# - an area's stage or C value weights the three levels equally, leaving out any level its breakdown hides;
# - `overall` is the mean of the four stage values, shown only when all four are (its n: the fewest behind a stage);
# - which values and levels are hidden is decided by toolkit.analysis.suppression (fewer than min_group_size, and a
#   second level hidden with a lone small one so it cannot be worked out by subtraction);
# - a percentile rank is the share of peer areas below the area, ties counting half (mid-rank), 0-100;
# - peer statistics (percentile, quartiles, the peers' own values) need at least min_peer_areas peer areas with a
#   value (ranks.enough_peers); the area itself is never one of its peers.
#
# Modules: measures (keys and labels), table (the cycle table from stored ratings), peers (peer choice and labels),
# ranks (percentile ranks and quartiles), results (typed results), view (one area's comparison), every_area (the
# benchmark of a whole cycle), exports (CSV and XLSX of a comparison).
