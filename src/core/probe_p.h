// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_PROBE_P_H
#define QHOTRELOAD_PROBE_P_H

#include <QtCore/QString>

namespace QHotReload::Internal {

/*!
    Part of the fourth stage: before the application opens a new version, the
    copy is loaded by qhotreload-probe (src/probe), out of process and with a
    time limit, so a static initializer that throws, aborts, crashes or never
    returns does it there. On Unix one probe server per process is started at
    the first trial and kept; each trial is a fork of it. On Windows each trial
    is a process of its own.

    Returns an empty string when \a copyPath loaded fine in the probe, or when
    the probe cannot judge it (it needs a symbol or a library only the
    application provides, or the probe is not installed): then the caller
    loads it in process as before, and the reason is logged once at debug
    level (category qhotreload.probe). Otherwise returns why it is refused, a
    sentence fragment such as "a static initializer crashed (SIGSEGV)".
    \a timeoutMs limits the trial. Blocks the calling thread for the trial;
    thread-safe.
*/
QString trialLoad(const QString &copyPath, int timeoutMs);

//! Whether libraries trial-load new versions unless told otherwise: QHOTRELOAD_TRIAL_LOAD=0 turns it off.
bool trialLoadByDefault();
//! The trial's time limit in ms unless told otherwise: QHOTRELOAD_TRIAL_LOAD_TIMEOUT, else 5000.
int defaultTrialLoadTimeout();

} // namespace QHotReload::Internal

#endif
