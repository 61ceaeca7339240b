using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using BayitPlus.Api.Features.Users;
using BayitPlus.Api.Infrastructure.Telemetry;
using BayitPlus.Api.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>Readiness and the start-up console as a newcomer and a deployment script see them: the
/// built API run as a process.</summary>
public sealed partial class StartupReadinessTests
{
    /// <summary>Collections only start-up work touches on a run with nothing configured (migrations,
    /// demo catalog).</summary>
    private static readonly string[] StartupCollections = ["migrationrecord", "content", "podcast", "podcastepisode", "livechannel", "radiostation"];

    [Fact]
    public async Task Once_ready_the_bootstrap_admin_signs_in_and_the_demo_catalog_is_served()
    {
        var email = TestUsers.NewEmail("root");
        var (api, client) = await ApiProcess.StartListeningAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            [BootstrapAdmin.EmailKey] = email,
            [BootstrapAdmin.PasswordKey] = TestUsers.Password,

            // BCrypt at this cost takes a second or more per hash, so a readiness that did not
            // wait for the admin's creation would let the sign-in below fail on every run.
            ["Users__BcryptWorkFactor"] = "14",
        });
        using (api)
        using (client)
        {
            var signIn = await client.PostJsonAsync("/api/auth/login", new { email, password = TestUsers.Password, device = TestUsers.Device() });
            var home = await client.GetAsync("/api/content/home?lang=en", Http.Ct);

            Assert.True(signIn.StatusCode == HttpStatusCode.OK, $"sign-in answered {(int)signIn.StatusCode}:\n{api.Output}");
            Assert.NotEmpty((await home.ReadJsonAsync())["featured"]!.AsArray());
        }
    }

    [Fact]
    public async Task A_development_run_says_where_to_go_and_reports_no_start_up_command_as_slow()
    {
        var (api, client) = await ApiProcess.StartListeningAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",

            // Every command is slow by this threshold: start-up work must still report none, while
            // the readiness probes' pings show that the warning itself still works.
            ["Mongo__SlowCommandThresholdMs"] = "0",
        });
        using (api)
        using (client)
        {
            var origin = client.BaseAddress!.GetLeftPart(UriPartial.Authority);

            // Logged after every start-up command, so every warning start-up work could cause is
            // on the console by then.
            await WaitForOutputAsync(api, "Ready: start-up work done");
            await WaitForOutputAsync(api, $"OpenAPI document: {origin}/openapi/v1.json");
            await WaitForOutputAsync(api, $"API reference (Scalar): {origin}/scalar");
            await WaitForOutputAsync(api, "Slow MongoDB command ping");

            // Start-up work is what precedes the "Ready:" line; background jobs (the embedding
            // indexer) read the same collections after it, and their commands do count.
            var startup = api.Output[..api.Output.IndexOf("Ready: start-up work done", StringComparison.Ordinal)];
            var slow = SlowCommand().Matches(startup).Select(m => (Command: m.Groups["command"].Value, Collection: m.Groups["collection"].Value)).ToList();
            Assert.DoesNotContain(slow, c => c.Command is "createIndexes" or "insert" || StartupCollections.Contains(c.Collection));
        }
    }

    private static async Task WaitForOutputAsync(ApiProcess api, string text)
    {
        var deadline = Stopwatch.StartNew();
        while (!api.Output.Contains(text, StringComparison.Ordinal))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.Fail($"the console never showed \"{text}\":\n{api.Output}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), Http.Ct);
        }
    }

    [GeneratedRegex(@"Slow MongoDB command (?<command>\S+) on (?<collection>\S*):")]
    private static partial Regex SlowCommand();
}

/// <summary>The readiness gates a slice's start-up task joins, through <c>/health/ready</c>.</summary>
public sealed class ReadinessGateTests(ApiFactory api)
{
    /// <summary>A start-up task as a slice writes one: it opens its gate when constructed; the test
    /// settles it.</summary>
    public sealed class HeldStartupTask(ReadinessGates gates) : IHostedService
    {
        public ReadinessGate Gate { get; } = gates.Open("held test task");

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task Readiness_answers_503_until_every_gate_is_complete()
    {
        await using var host = WithHeldTask();
        var client = host.CreateClient();
        var held = await OtherGatesSettledAsync(host);

        var whileHeld = await client.GetAsync("/health/ready", Http.Ct);
        held.Complete();
        var afterwards = await client.GetAsync("/health/ready", Http.Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileHeld.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
    }

    [Fact]
    public async Task A_failed_gate_keeps_readiness_at_503_while_liveness_answers_200()
    {
        await using var host = WithHeldTask();
        var client = host.CreateClient();
        var held = await OtherGatesSettledAsync(host);

        held.Fail("a test failure");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready", Http.Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Http.Ct)).StatusCode);
    }

    private WebApplicationFactory<Program> WithHeldTask() =>
        api.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<HeldStartupTask>();
            services.AddHostedService(provider => provider.GetRequiredService<HeldStartupTask>());
        }));

    /// <summary>Waits until every gate but the held one has settled (indexes, migrations), so only
    /// the held gate decides readiness; returns the held gate.</summary>
    private static async Task<ReadinessGate> OtherGatesSettledAsync(WebApplicationFactory<Program> host)
    {
        var held = host.Services.GetRequiredService<HeldStartupTask>().Gate;
        var others = host.Services.GetRequiredService<ReadinessGates>().Gates.Where(g => g != held).Select(g => g.Settled);
        await Task.WhenAll(others).WaitAsync(TimeSpan.FromSeconds(30), Http.Ct);
        return held;
    }
}
