#include "transport/promptbroker.h"

namespace gwb {

std::optional<PromptAnswer> PromptBroker::ask(Prompt prompt, const CancelToken &cancel)
{
    {
        const std::lock_guard lock(m_mutex);
        if (m_shutdown)
            return std::nullopt;
        prompt.id = ++m_nextId;
        m_pending.emplace(prompt.id, Pending{});
    }
    m_publish(prompt);
    std::unique_lock lock(m_mutex);
    // Cancel is an atomic flag nobody notifies us about: look at it every 100 ms.
    while (!m_shutdown && !cancel.isCancelled() && !m_pending[prompt.id].answered)
        m_changed.wait_for(lock, std::chrono::milliseconds(100));
    Pending done = std::move(m_pending[prompt.id]);
    m_pending.erase(prompt.id);
    if (m_shutdown || cancel.isCancelled() || !done.answered || !done.answer.accepted)
        return std::nullopt;
    return std::move(done.answer);
}

void PromptBroker::answer(quint64 promptId, PromptAnswer answer)
{
    {
        const std::lock_guard lock(m_mutex);
        const auto it = m_pending.find(promptId);
        if (it == m_pending.end())
            return; // already given up on (cancelled): the answer has nobody to go to
        it->second.answered = true;
        it->second.answer = std::move(answer);
    }
    m_changed.notify_all();
}

void PromptBroker::shutdown()
{
    {
        const std::lock_guard lock(m_mutex);
        m_shutdown = true;
    }
    m_changed.notify_all();
}

} // namespace gwb
