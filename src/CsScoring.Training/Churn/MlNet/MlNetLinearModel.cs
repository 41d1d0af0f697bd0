using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace CsScoring.Training.Churn.MlNet;

/// <summary>
/// Builds an ML.NET logistic-regression prediction transformer from given weights and bias, the same types that
/// <c>LbfgsLogisticRegression</c> returns, so model.zip, the portable export and the parity checks treat it as any
/// trained linear model. ML.NET keeps these constructors internal (it only builds them from a trainer or a saved
/// model), so they are reached by reflection against the pinned ML.NET version; a missing constructor is an error
/// naming it, which the trainer tests catch on an ML.NET upgrade.
/// </summary>
internal static class MlNetLinearModel
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    public static ITransformer Create(MLContext ml, float[] weights, float bias, PlattCalibrator calibrator, DataViewSchema inputSchema)
    {
        var env = (object)ml;
        var linear = (LinearBinaryModelParameters)Construct(typeof(LinearBinaryModelParameters),
            [env, new VBuffer<float>(weights.Length, (float[])weights.Clone()), bias, null]);
        var calibratedType = typeof(LinearBinaryModelParameters).Assembly.GetType("Microsoft.ML.Calibrators.ParameterMixingCalibratedModelParameters`2")
            ?? typeof(PlattCalibrator).Assembly.GetType("Microsoft.ML.Calibrators.ParameterMixingCalibratedModelParameters`2")
            ?? throw Missing("ParameterMixingCalibratedModelParameters");
        var calibrated = Construct(calibratedType.MakeGenericType(typeof(LinearBinaryModelParameters), typeof(PlattCalibrator)), [env, linear, calibrator]);
        var transformerType = typeof(BinaryPredictionTransformer<>).MakeGenericType(calibrated.GetType());
        return (ITransformer)Construct(transformerType, [env, calibrated, inputSchema, MatrixDataView.FeaturesColumn, 0f, "Score"]);
    }

    private static object Construct(Type type, object?[] arguments)
    {
        foreach (var constructor in type.GetConstructors(Instance))
        {
            var parameters = constructor.GetParameters();
            if (parameters.Length != arguments.Length || parameters[0].ParameterType.Name != "IHostEnvironment")
            {
                continue;
            }

            var fits = true;
            for (var i = 1; i < parameters.Length && fits; i++)
            {
                var expected = parameters[i].ParameterType.IsByRef ? parameters[i].ParameterType.GetElementType()! : parameters[i].ParameterType;
                fits = arguments[i] is null ? !expected.IsValueType : expected.IsInstanceOfType(arguments[i]);
            }

            if (fits)
            {
                return constructor.Invoke(arguments);
            }
        }

        throw Missing(type.Name);
    }

    private static InvalidOperationException Missing(string what)
        => new($"This ML.NET version has no constructor of {what} taking an environment and the model's parts; the logistic regression cannot be built from its folded weights.");
}
