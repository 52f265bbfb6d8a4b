/**
 * Features of a frozen image backbone (issue 11), per image content and backbone: view 0 is the whole image, view 1
 * its horizontal flip, 2.. other augmented views. Vectors are float16 little-endian (featureDim values). An image
 * the backbone could not be run on is recorded in feature_failures (with why), so the feature job skips it.
 * Both cascade with their image.
 */
export const features = `
CREATE TABLE features (
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  backbone TEXT NOT NULL,
  view INTEGER NOT NULL,
  vector BLOB NOT NULL,
  PRIMARY KEY (backbone, image_id, view)
) WITHOUT ROWID;

CREATE TABLE feature_failures (
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  backbone TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (backbone, image_id)
) WITHOUT ROWID;

CREATE INDEX features_image ON features(image_id);
CREATE INDEX feature_failures_image ON feature_failures(image_id);
`;
