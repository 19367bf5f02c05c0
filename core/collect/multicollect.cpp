#include "collect/multicollect.h"

#include "collect/collector.h"

#include <QDir>
#include <atomic>
#include <thread>

namespace gwb {

std::vector<Result<Collection>> collectAll(const std::vector<CollectTarget> &targets, const CollectOptions &options,
                                           int maxSessions)
{
    std::vector<std::optional<Result<Collection>>> results(targets.size());
    std::atomic_size_t next{0};
    auto worker = [&] {
        for (std::size_t i = next++; i < targets.size(); i = next++) {
            CollectOptions mine = options;
            mine.hostLabel = targets[i].hostLabel;
            mine.outputDir = QDir(options.outputDir).filePath(targets[i].hostLabel);
            std::unique_ptr<Transport> transport = targets[i].makeTransport();
            Collector collector(*transport);
            results[i] = collector.collect(mine);
        }
    };
    const std::size_t threads = std::min<std::size_t>(targets.size(), std::size_t(qMax(1, maxSessions)));
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    for (std::thread &t : pool)
        t.join();
    std::vector<Result<Collection>> out;
    for (auto &s : results)
        out.push_back(s ? std::move(*s) : Result<Collection>(Error{Error::Kind::Internal, QStringLiteral("not collected")}));
    return out;
}

} // namespace gwb
