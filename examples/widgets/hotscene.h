// SPDX-License-Identifier: MIT
#ifndef WIDGETS_HOTSCENE_H
#define WIDGETS_HOTSCENE_H

#include "scene.h"

#include <QHotReload/QHotModule>

// hot_scene::update(), hot_scene::paint() and hot_scene::createPanel() have
// scene.h's signatures and call the loaded version of widgets_scene.
// hot_scene::hotModule().library() is its QHotLibrary.
QHOT_MODULE_SCOPED(hot_scene, QHOT_LIBRARY_FILE_widgets_scene, scene, update, paint, createPanel);

#endif // WIDGETS_HOTSCENE_H
