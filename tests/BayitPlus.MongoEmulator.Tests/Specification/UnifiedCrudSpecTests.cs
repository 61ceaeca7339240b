using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Specification;

/// <summary>
/// MongoDB's unified-format CRUD specification tests (mongodb/specifications,
/// <c>source/crud/tests/unified</c>), run through the official driver against an in-process
/// emulator, one test case per specification test. The files are not part of this repository
/// (their licence forbids it): the directory comes from <see cref="UnifiedSpecFiles.Variable"/>.
/// </summary>
public sealed class UnifiedCrudSpecTests(UnifiedSpecFixture fixture) : IClassFixture<UnifiedSpecFixture>
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        var directory = UnifiedSpecFiles.Directory;
        if (directory is null)
        {
            data.Add("", "");
            return data;
        }

        foreach (var (file, description) in UnifiedSpecFiles.TestNames(directory))
        {
            data.Add(file, description);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Spec(string file, string test)
    {
        if (UnifiedSpecFiles.Directory is null)
        {
            Assert.Skip($"Set {UnifiedSpecFiles.Variable} to run MongoDB's unified CRUD specification tests: " +
                $"git clone https://github.com/mongodb/specifications and set {UnifiedSpecFiles.Variable}=<clone>/source/crud/tests/unified");
        }

        var outcome = await fixture.RunAsync(file, test);
        if (outcome is not null)
        {
            Assert.Skip(outcome);
        }
    }
}

/// <summary>Where the specification files are and which tests they hold.</summary>
internal static class UnifiedSpecFiles
{
    public const string Variable = "BAYITPLUS_SPEC_TESTS";

    public static string? Directory =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } directory ? directory : null;

    public static IEnumerable<(string File, string Description)> TestNames(string directory)
    {
        foreach (var path in System.IO.Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            foreach (var test in Load(path)["tests"].AsBsonArray)
            {
                yield return (Path.GetFileName(path), test["description"].AsString);
            }
        }
    }

    public static BsonDocument Load(string path) => BsonDocument.Parse(File.ReadAllText(path));
}

/// <summary>
/// The emulator and client the specification tests share, the run itself, and the tally printed at
/// the end (the pass rate of the tests whose requirements the emulator meets).
/// </summary>
public sealed class UnifiedSpecFixture : IAsyncLifetime
{
    /// <summary>The file, beside the test assembly, that keeps the last run's summary line, its
    /// failures and its reasons for tests not applying.</summary>
    public const string SummaryFile = "spec-tests-summary.txt";

    private readonly List<string> details = [];
    private MongoEmulatorServer? server;
    private IMongoClient? internalClient;
    private string version = "";
    private int passed;
    private int failed;
    private int notApplicable;

    public async ValueTask InitializeAsync()
    {
        if (UnifiedSpecFiles.Directory is null)
        {
            return;
        }

        server = await MongoEmulatorServer.StartAsync(new MongoEmulatorOptions { Port = 0 });
        internalClient = new MongoClient(server.ConnectionString);
        var buildInfo = await internalClient.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("buildInfo", 1));
        version = buildInfo["version"].AsString;
    }

    /// <summary>Runs one test: null when it passed, the reason when it does not apply or asserts
    /// nothing the runner checks; throws when it fails.</summary>
    internal async Task<string?> RunAsync(string file, string description)
    {
        var document = UnifiedSpecFiles.Load(Path.Combine(UnifiedSpecFiles.Directory!, file));
        var test = document["tests"].AsBsonArray.Select(t => t.AsBsonDocument).First(t => t["description"].AsString == description);
        var reason = test.GetValue("skipReason", null)?.AsString
            ?? NotApplicable(document, version)
            ?? NotApplicable(test, version)
            ?? DriverLacks(test);
        if (reason is null)
        {
            int checks;
            try
            {
                checks = await new UnifiedTestRun(document, test, internalClient!, server!.ConnectionString).RunAsync();
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref failed);
                Detail($"failed: {file}: {description}: {ex.Message.ReplaceLineEndings(" ")}");
                throw;
            }

            if (checks > 0)
            {
                Interlocked.Increment(ref passed);
                return null;
            }

            reason = "it asserts nothing the runner checks (no expectResult, expectError, expectEvents or outcome)";
        }

        Interlocked.Increment(ref notApplicable);
        Detail($"not applicable: {reason}");
        return $"not applicable: {reason}";
    }

    private void Detail(string line)
    {
        lock (details)
        {
            details.Add(line);
        }
    }

    /// <summary>Why the requirements of <paramref name="scope"/> (a file or a test) exclude a
    /// single-node replica set of <paramref name="serverVersion"/>, or null when they do not.</summary>
    private static string? NotApplicable(BsonDocument scope, string serverVersion)
    {
        if (scope.GetValue("runOnRequirements", null) is not BsonArray requirements || requirements.Count == 0)
        {
            return null;
        }

        var reasons = requirements.Select(r => Unmet(r.AsBsonDocument, Version.Parse(serverVersion))).ToList();
        return reasons.Any(r => r is null) ? null : string.Join("; ", reasons);
    }

    /// <summary>Tests of options the .NET driver does not offer (they test drivers, not servers).</summary>
    private static string? DriverLacks(BsonDocument test)
    {
        var operations = test["operations"].AsBsonArray.Select(o => o.AsBsonDocument).ToList();
        return operations.Any(o => UsesArgument(o.GetValue("arguments", null), "rawData"))
            ? "uses the rawData option, which MongoDB.Driver for .NET does not offer"
            : operations.Any(o => o["name"] == "distinct" && o.GetValue("arguments", new BsonDocument()).AsBsonDocument.Contains("hint"))
            ? "uses distinct's hint option, which MongoDB.Driver 3.14 for .NET does not offer"
            : null;
    }

    private static bool UsesArgument(BsonValue? arguments, string name) => arguments switch
    {
        BsonDocument document => document.Contains(name) || document.Values.Any(v => UsesArgument(v, name)),
        BsonArray array => array.Any(v => UsesArgument(v, name)),
        _ => false,
    };

    private static string? Unmet(BsonDocument requirement, Version server)
    {
        foreach (var element in requirement)
        {
            var unmet = element.Name switch
            {
                "minServerVersion" => server < ParseVersion(element.Value.AsString) ? $"needs server >= {element.Value}" : null,
                "maxServerVersion" => server > ParseVersion(element.Value.AsString) ? $"needs server <= {element.Value}" : null,
                "topologies" => element.Value.AsBsonArray.Contains("replicaset") ? null : $"needs topology {element.Value.ToJson()}",
                "serverless" => element.Value.AsString == "require" ? "needs serverless" : null,
                "auth" => element.Value.ToBoolean() ? "needs authentication" : null,
                "csfle" => element.Value.ToBoolean() ? "needs client-side encryption" : null,
                _ => $"requirement {element.Name} is not evaluated by the runner",
            };
            if (unmet is not null)
            {
                return unmet;
            }
        }

        return null;
    }

    private static Version ParseVersion(string text)
    {
        var parts = text.Split('.').Select(int.Parse).ToList();
        while (parts.Count < 3)
        {
            parts.Add(0);
        }

        return new Version(parts[0], parts[1], parts[2]);
    }

    public async ValueTask DisposeAsync()
    {
        if (server is null)
        {
            return;
        }

        var applicable = passed + failed;
        var rate = applicable == 0 ? 0 : 100.0 * passed / applicable;
        var line = FormattableString.Invariant(
            $"[BayitPlus.SpecTests] unified CRUD on emulator {version}: {passed}/{applicable} applicable passed ({rate:F1}%), {failed} failed, {notApplicable} not applicable");
        Console.WriteLine(line);
        TestContext.Current.SendDiagnosticMessage(line);

        // Below the pass-rate line: every failure, and each reason for not applying with its count.
        var lines = details.GroupBy(d => d, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Count() == 1 ? $"  {g.Key}" : $"  {g.Key} (x{g.Count()})");
        await File.WriteAllLinesAsync(Path.Combine(AppContext.BaseDirectory, SummaryFile), [line, .. lines]);

        internalClient?.Dispose();
        await server.DisposeAsync();
    }
}
