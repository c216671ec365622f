-- Deltas for sync (`updated_after=`): the figures whose latest revision was recorded after a
-- moment, retracted or not. `observations.recorded_at` is the time of each figure's latest
-- revision (every correction and retraction stamps it), so a delta is a range of this index:
-- after a recent import, the handful of figures it changed, not a walk of every figure.

CREATE INDEX observations_recorded_at ON observations (recorded_at);
