package dev.geoloc.trainer.zeroshot;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.geoloc.trainer.numerics.ComputesWithLibtorch;
import dev.geoloc.trainer.options.CatalogOption;
import dev.geoloc.trainer.options.DatasetOptions;
import dev.geoloc.trainer.options.DeviceOption;
import dev.geoloc.trainer.options.EncoderSource;
import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.Split;
import dev.geoloc.model.EncoderContract;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.model.RegionPrototypes;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.evaluation.EvaluationReport;
import dev.geoloc.trainer.evaluation.ModelDescription;
import dev.geoloc.trainer.evaluation.ResultsRow;
import dev.geoloc.trainer.evaluation.ResultsTable;
import dev.geoloc.trainer.evaluation.SplitEvaluator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code zero-shot}: the study's CLIP baseline. No training: each image's embedding is compared with the
 * text embedding of every region's prompt, and the closest wins ({@link ZeroShotBundle}).
 */
@Command(name = "zero-shot",
        mixinStandardHelpOptions = true,
        description = {"Evaluates an encoder with no training: image embeddings against fixed region prototypes "
                + "(CLIP text embeddings of one prompt per region, from export_encoder.py). Writes OUT/bundle and "
                + "the evaluation reports to OUT.", "Exit codes: 0 done, 1 failed, 2 wrong usage."})
public final class ZeroShotCommand implements Callable<Integer>, ComputesWithLibtorch {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--encoder", required = true, paramLabel = "FILE.pt|NAME",
            description = "The image encoder: an exported CLIP image tower (its .json beside it) or a built-in name.")
    String encoder;

    @Option(names = "--prototypes", required = true, paramLabel = "FILE", description = "Region prototypes JSON.")
    Path prototypesFile;

    @Mixin
    DatasetOptions data;

    @Mixin
    CatalogOption catalog;

    @Option(names = "--split", defaultValue = "test", description = "train, validation or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the bundle and reports.")
    Path out;

    @Option(names = "--temperature", defaultValue = "0.01",
            description = "Divides the cosine similarities; CLIP's learned logit scale is 100 (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws IOException {
        RegionCatalog regions = catalog.regions();
        Split chosen;
        EncoderSource source;
        try {
            chosen = Split.fromLabel(split);
            source = EncoderSource.resolve(encoder);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        EncoderContract contract = source.contract();
        float[][] prototypes = RegionPrototypes.read(prototypesFile, regions);
        if (prototypes[0].length != contract.embeddingDim()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "The prototypes have " + prototypes[0].length
                    + " dimensions but " + contract.name() + " embeds images in " + contract.embeddingDim());
        }
        Path encoderFile = source.file(Files.createDirectories(out).resolve("encoder.pt"));
        Path bundleDirectory = ZeroShotBundle.write(out.resolve("bundle"), regions, contract, encoderFile, prototypes,
                temperature);
        Manifest manifest = data.manifest(regions);
        Manifest images = manifest.withEntries(manifest.split(chosen));
        try (ModelBundle bundle = ModelBundle.open(bundleDirectory);
             RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice(device.device()))) {
            SplitEvaluator.Run run = SplitEvaluator.run(predictor, images, 32, spec.commandLine().getErr());
            ModelDescription model = new ModelDescription("Zero-shot " + contract.name(), contract.name(),
                    ModelDescription.NO_LOSS);
            EvaluationReport report = new EvaluationReport(model, bundle.digest(), data.dataset().toString(), chosen.label(),
                    data.splitDescription(),
                    run.skipped(), run.accumulator().result());
            report.writeTo(out);
            PrintWriter console = spec.commandLine().getOut();
            console.println(ResultsTable.markdown(java.util.List.of(ResultsRow.of(model, report.evaluation()))));
            console.println("Wrote the bundle and evaluation to " + out);
            console.flush();
        }
        return 0;
    }
}
