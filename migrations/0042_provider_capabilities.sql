-- Issue 18 #2: what a provider declares they can do, and what an admin
-- approved. Dispatch of service requests reads only the approved columns; a
-- new declaration is pending until approved again, and until then the
-- provider is offered nothing (the previous approval is cleared, not kept).

CREATE TABLE provider_capabilities (
  provider_id     uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  service_types   text[] NOT NULL
    CHECK (cardinality(service_types) >= 1
           AND service_types <@ ARRAY['tow', 'battery', 'tyre', 'fuel', 'lockout', 'mechanic']),
  equipment       text[] NOT NULL DEFAULT '{}'
    CHECK (equipment <@ ARRAY['tow_truck', 'jump_starter', 'tyre_kit', 'fuel_can', 'lockout_kit', 'diagnostic_kit']),
  -- Service area: a circle (center + radius) or a polygon in (lng, lat) order; neither = anywhere dispatch searches.
  area_lat        double precision CHECK (area_lat BETWEEN -90 AND 90),
  area_lng        double precision CHECK (area_lng BETWEEN -180 AND 180),
  area_radius_m   int CHECK (area_radius_m BETWEEN 100 AND 200000),
  area_polygon    polygon,
  -- Each change of the declaration is a new revision; an admin approves one revision.
  revision        int NOT NULL DEFAULT 1 CHECK (revision >= 1),
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved')),
  approved_by     uuid REFERENCES users (id) ON DELETE SET NULL,
  approved_at     timestamptz,
  declared_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((area_lat IS NULL) = (area_radius_m IS NULL) AND (area_lat IS NULL) = (area_lng IS NULL)),
  CHECK (area_radius_m IS NULL OR area_polygon IS NULL),
  -- A tow is only offered to someone who can tow.
  CHECK (NOT ('tow' = ANY (service_types)) OR 'tow_truck' = ANY (equipment)),
  CHECK ((status = 'approved') = (approved_at IS NOT NULL))
);

CREATE INDEX provider_capabilities_approved ON provider_capabilities USING gin (service_types)
  WHERE status = 'approved';
