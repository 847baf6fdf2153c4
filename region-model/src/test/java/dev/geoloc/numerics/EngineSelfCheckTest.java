package dev.geoloc.numerics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The process-wide check, on whatever CPU runs the tests; each test puts the process back on its checked path. */
class EngineSelfCheckTest {

    @AfterEach
    void backToTheCheckedPath() {
        LibtorchKernels.use(EngineSelfCheck.ensure().path());
    }

    @Test
    void theProcessComputesTheBuiltInProbesRightOnThePathItChose() {
        SelfCheckReport report = EngineSelfCheck.ensure();

        assertThat(report.passed()).as(String.join("\n", report.lines())).isTrue();
        assertThat(report.probes()).extracting(ProbeResult::encoder).contains("tiny-cnn", "tiny-vit");
        assertThat(report.probes()).extracting(ProbeResult::threads).contains(1);
        assertThat(report.maxDifference()).isLessThanOrEqualTo(EngineSelfCheck.TOLERANCE);
        assertThat(LibtorchKernels.current()).isEqualTo(report.path());
        assertThat(report.fix()).isEmpty();
    }

    @Test
    void onACpuKnownToComputeWrongAboveAvx2AutoCapsOneDnnBeforeItsFirstKernel() {
        SelfCheckReport report = EngineSelfCheck.ensure();

        if (report.cpu().oneDnnWrongAboveAvx2() && System.getenv(OneDnnCap.VARIABLE) == null
                && report.choice() == KernelChoice.AUTO) {
            assertThat(report.path()).isEqualTo(KernelPath.ONEDNN);
            assertThat(report.summary()).contains("ONEDNN_MAX_CPU_ISA=AVX2, set because AuthenticAMD family 26");
        } else {
            assertThat(OneDnnCap.reason()).isEmpty();
        }
        assertThat(report.passed()).isTrue();
    }

    @Test
    void theCpusKnownToComputeWrongAboveAvx2AreAmdFamily26WithAvx512() {
        assertThat(new CpuDescription("AuthenticAMD", "AMD EPYC", 26, 2, List.of("AVX-512", "AVX2"), 2)
                .oneDnnWrongAboveAvx2()).isTrue();
        assertThat(new CpuDescription("AuthenticAMD", "AMD EPYC 9654", 25, 17, List.of("AVX-512", "AVX2"), 2)
                .oneDnnWrongAboveAvx2()).isFalse();
        assertThat(new CpuDescription("GenuineIntel", "Xeon", 6, 143, List.of("AMX", "AVX-512", "AVX2"), 2)
                .oneDnnWrongAboveAvx2()).isFalse();
    }

    @Test
    void autoLeavesAPathWhoseProbesFailForTheNativeOneAndFailsWhenThatFailsToo() {
        LibtorchKernels.use(KernelPath.ONEDNN);

        SelfCheckReport report = EngineSelfCheck.run(KernelChoice.AUTO, -1); // no difference is at most -1

        assertThat(report.rejected()).isNotEmpty().noneMatch(ProbeResult::passed);
        assertThat(report.path()).isEqualTo(KernelPath.NATIVE);
        assertThat(LibtorchKernels.current()).isEqualTo(KernelPath.NATIVE);
        assertThat(report.passed()).isFalse();
        assertThat(report.lines()).anyMatch(line -> line.startsWith("  left onednn: tiny-cnn"))
                .anyMatch(line -> line.startsWith("  native: tiny-cnn"));
        assertThat(report.fix()).get().asString().contains("with the native kernel path", "GEOLOC_CPU_KERNELS=native or onednn");
    }

    @Test
    void aForcedPathIsTakenAndChecked() {
        SelfCheckReport report = EngineSelfCheck.run(KernelChoice.NATIVE);

        assertThat(LibtorchKernels.current()).isEqualTo(KernelPath.NATIVE);
        assertThat(report.path()).isEqualTo(KernelPath.NATIVE);
        assertThat(report.passed()).as(String.join("\n", report.lines())).isTrue();
        assertThat(report.rejected()).isEmpty();
    }

    @Test
    void aFailedCheckNamesTheCpuThePathAndTheFix() {
        CpuDescription cpu = new CpuDescription("AuthenticAMD", "AMD EPYC", 26, 2, List.of("AVX-512", "AVX2"), 2);
        SelfCheckReport failed = new SelfCheckReport(cpu, KernelChoice.ONEDNN, KernelPath.ONEDNN,
                List.of(new ProbeResult("tiny-cnn", 2, 0.11, EngineSelfCheck.TOLERANCE)), List.of());

        assertThat(failed.passed()).isFalse();
        assertThat(failed.summary()).contains("FAILED", "AMD EPYC (AuthenticAMD family 26 model 2; AVX-512, AVX2; 2 cores)",
                "kernel path onednn");
        assertThat(failed.fix()).get().asString().contains("GEOLOC_CPU_KERNELS=native", "ONEDNN_MAX_CPU_ISA=AVX2");
    }

    @Test
    void anOutputThatIsNotFiniteNeverPasses() {
        float[][] saved = {{0.5f, -0.25f}};

        assertThat(EngineSelfCheck.relativeDifference(new float[] {0.5f, -0.25f}, saved)).isZero();
        assertThat(EngineSelfCheck.relativeDifference(new float[] {0.55f, -0.25f}, saved)).isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(new ProbeResult("tiny-cnn", 1, EngineSelfCheck.relativeDifference(new float[] {Float.NaN, 0}, saved),
                EngineSelfCheck.TOLERANCE).passed()).isFalse();
    }

    @Test
    void theCpuIsReadFromCpuinfo() {
        CpuDescription cpu = CpuDescription.parse(List.of("processor\t: 0", "vendor_id\t: GenuineIntel", "cpu family\t: 6",
                "model\t\t: 143", "model name\t: Intel(R) Xeon(R) Platinum 8480+", "flags\t\t: fpu avx2 avx512f amx_tile", "",
                "processor\t: 1", "vendor_id\t: other"), 4);

        assertThat(cpu).isEqualTo(new CpuDescription("GenuineIntel", "Intel(R) Xeon(R) Platinum 8480+", 6, 143,
                List.of("AMX", "AVX-512", "AVX2"), 4));
    }

    @Test
    void anUnknownChoiceListsTheChoices() {
        assertThatThrownBy(() -> KernelChoice.parse("fast")).hasMessageContaining("auto, onednn or native");
        assertThat(KernelChoice.parse(" Native ")).isEqualTo(KernelChoice.NATIVE);
    }
}
