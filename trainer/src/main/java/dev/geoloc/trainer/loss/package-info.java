/**
 * The five training losses of the Los Angeles street-level geolocation study (CLIP and DINOv2 backbones, 15
 * sub-regions; "the study" below), §3.2 "Distance-Aware Loss Functions", as DJL
 * {@link ai.djl.training.loss.Loss}es over a {@link dev.geoloc.regions.RegionCatalog}'s regions: cross entropy
 * ({@link dev.geoloc.trainer.loss.CrossEntropyLoss}), soft-label cross entropy
 * ({@link dev.geoloc.trainer.loss.SoftLabelLoss}), geo label smoothing
 * ({@link dev.geoloc.trainer.loss.GeoLabelSmoothingLoss}), expected distance
 * ({@link dev.geoloc.trainer.loss.ExpectedDistanceLoss}) and geo-margin ranking
 * ({@link dev.geoloc.trainer.loss.GeoMarginRankingLoss}).
 *
 * <p>Every loss reads the same labels: {@code labels.get(0)}, int64 [B], the true region indices in catalog order,
 * and, for the losses that measure from the photo ({@link dev.geoloc.trainer.loss.DistanceFrom#PHOTO}),
 * {@code labels.get(1)}, float32 [B, 2], the photo's true (latitude, longitude) in degrees. Predictions are one
 * float32 [B, C] array of logits. Each returns the batch mean as a scalar, differentiable with respect to the logits.
 *
 * <p>{@link dev.geoloc.trainer.loss.LossSpec} parses a loss from the command line and
 * {@link dev.geoloc.trainer.loss.Losses#create} builds it.
 */
package dev.geoloc.trainer.loss;
