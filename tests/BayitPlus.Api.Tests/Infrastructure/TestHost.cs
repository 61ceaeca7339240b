using System.Collections.ObjectModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>An endpoint that exists only in test hosts and fails unexpectedly (register with
/// <c>services.AddSingleton&lt;IStartupFilter, TestEndpoints&gt;()</c>). It is mapped behind the
/// app's whole pipeline, so its exception handler sees the failure as it sees the app's own.</summary>
public sealed class TestEndpoints : IStartupFilter
{
    public const string Throw = "/test/throw";

    /// <summary>Fails as the driver does when a burst outgrows its connection pool and wait queue.</summary>
    public const string Overloaded = "/test/overloaded";

    /// <summary>What the failing endpoint's exception says; a response must never repeat it.</summary>
    public const string SecretMessage = "connection string mongodb://admin:hunter2@db.internal failed";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        app.UseRouting();
        app.UseEndpoints(endpoints =>
        {
            endpoints.MapGet(Throw, IResult () => throw new InvalidOperationException(SecretMessage));
            endpoints.MapGet(Overloaded, IResult () => throw new MongoDB.Driver.MongoWaitQueueFullException("wait queue full"));
        });
    };
}

/// <summary>Every log entry of one host, for asserting what was logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly Exported<(string Category, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(string Category, LogLevel Level, string Message)> Entries => _entries.Snapshot();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, Exported<(string, LogLevel, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Add((category, logLevel, formatter(state, exception)));
    }
}

/// <summary>A collection exporters add to from any thread while a test reads it; a test can wait
/// (bounded) for an item that is exported after the response was already sent.</summary>
public sealed class Exported<T> : Collection<T>
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<T> Snapshot()
    {
        lock (_lock)
        {
            return [.. Items];
        }
    }

    /// <summary>The items once <paramref name="done"/> holds for them; fails after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<T>> WaitForAsync(Func<IReadOnlyList<T>, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task added;
            IReadOnlyList<T> items;
            lock (_lock)
            {
                items = [.. Items];
                added = _added.Task;
            }

            if (done(items))
            {
                return items;
            }

            try
            {
                await added.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"not exported within {timeout}; got {items.Count} items");
            }
        }
    }

    protected override void InsertItem(int index, T item)
    {
        TaskCompletionSource added;
        lock (_lock)
        {
            base.InsertItem(index, item);
            added = _added;
            _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        added.TrySetResult();
    }
}
