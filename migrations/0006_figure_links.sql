-- Figure links: the analytics (`/v1/exchange-rate`, `/v1/consistency`, `/v1/derived` and every
-- `?currency=` conversion) read the figures that point at others and the figures they point at,
-- not the whole table (see `store::related_observations`).
--
-- Decisions worth knowing:
-- * A printed dollar equivalent (`equivalent_of`) or a caption's repeat (`restates`) is a
--   handful of figures among any number, so each link is indexed only where set, and only on
--   figures not retracted, like the indexes of 0005: finding them all reads a few index
--   entries, and the index holds the figure pointed at, so that side needs no table read.
-- * The figures pointed at are then read through the primary key; figures named by id or
--   indicator, through the indexes that already serve those filters.
-- * Synthetic figures (`gd-indicators generate`) link to nothing, so these indexes stay a few
--   entries long on a million figures and cost imports nothing measurable.

CREATE INDEX observations_equivalent_of
    ON observations (equivalent_of) WHERE retracted = 0 AND equivalent_of IS NOT NULL;

CREATE INDEX observations_restates
    ON observations (restates) WHERE retracted = 0 AND restates IS NOT NULL;
