// SPDX-License-Identifier: MIT
// Included only once the test edits answer.cpp: learned after that build.
#ifndef HEADERSONSAVE_EXTRA_H
#define HEADERSONSAVE_EXTRA_H

inline int extraValue()
{
    return 100;
}

#endif
