"""The window's panels as docks the person arranges (a mixin of :class:`MainWindow`).

The reader is the central widget; the navigator, the documents and search lists, the
side panel and every panel added later (the reconcile panels, the timeline) are docks.
Each one comes through :meth:`DockLayoutMixin.add_dock`, which remembers where it goes
by default, so the View menu can show and hide it and "Reset layout" can put it back.
Bottom docks are tabbed together, as are the right-hand ones, rather than stacked.

The arrangement (dock state and window geometry) is kept in the settings between runs.
Without a case the docks step aside for the welcome page and come back as they were.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QDockWidget, QFrame, QMainWindow, QMenu, QScrollArea,
                               QTabWidget, QToolBar)

from workbench.ui.menu_lookup import menu_named

#: Bumped whenever the docks change in a way an older saved state would misplace
#: (1 was the splitter of navigator, lists and side panel).
LAYOUT_VERSION = 2

Area = Qt.DockWidgetArea

#: The reader's minimum height and width: docks opening around it never squeeze it below.
READER_MIN_WIDTH = 540
READER_MIN_HEIGHT = 240
#: A bottom dock opens at this share of the window's height when the reader can spare it.
BOTTOM_SHARE = 0.4
BOTTOM_MIN_HEIGHT = 190


def scroll_when_short(dock: QDockWidget) -> None:
    """Let a panel that needs more height than a small screen spares (the board wants
    about 360 px) scroll inside its dock instead of pushing the window off the screen
    or the reader below its minimum."""
    panel = dock.widget()
    if panel is None or isinstance(panel, QScrollArea):
        return
    scroll = QScrollArea(dock)
    scroll.setObjectName(f"{dock.objectName()}Scroll")
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setMinimumHeight(BOTTOM_MIN_HEIGHT - 30)
    dock.setWidget(scroll)
    scroll.setWidget(panel)


@dataclass(frozen=True)
class DockPlace:
    """Where a dock goes in the default layout."""

    dock: QDockWidget
    area: Qt.DockWidgetArea
    tab_with: QDockWidget | None
    shown: bool


class DockLayoutMixin:
    """Docks, the View menu, Reset layout and the layout memory of a QMainWindow that has
    ``settings`` (``value``/``set_value``), ``session`` and ``reader`` attributes."""

    def _init_docking(self: QMainWindow) -> None:
        self._dock_places: list[DockPlace] = []
        self._case_layout: QByteArray | None = None
        self.view_menu: QMenu | None = None
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks
                            | QMainWindow.DockOption.AllowNestedDocks
                            | QMainWindow.DockOption.AllowTabbedDocks)
        # Navigator and side panel take the full height; the lists sit above the reader.
        self.setCorner(Qt.Corner.TopLeftCorner, Area.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.TopRightCorner, Area.RightDockWidgetArea)
        self.setTabPosition(Area.TopDockWidgetArea, QTabWidget.TabPosition.North)

    def add_dock(self, dock: QDockWidget, area: Qt.DockWidgetArea, *,
                 shown: bool = True) -> QDockWidget:
        """Add ``dock`` to ``area``, tabbed with the docks already there (docks of the
        same area are tabs, never stacked), and list it in the View menu."""
        tab_with = next((p.dock for p in self._dock_places if p.area == area), None)
        if area == Area.BottomDockWidgetArea:
            scroll_when_short(dock)
        dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        self.addDockWidget(area, dock)
        if tab_with is not None:
            self.tabifyDockWidget(tab_with, dock)
        dock.setVisible(shown and self.session is not None)
        self._dock_places.append(DockPlace(dock, area, tab_with, shown))
        toggle = dock.toggleViewAction()
        toggle.setStatusTip(f"Show or hide the {dock.windowTitle().lower()} panel")
        toggle.setEnabled(self.session is not None)
        if self.view_menu is not None:
            self.view_menu.insertAction(self._view_separator, toggle)
        return dock

    @property
    def docks(self) -> list[QDockWidget]:
        return [p.dock for p in self._dock_places]

    def _build_view_menu(self: QMainWindow) -> None:
        self.view_menu = menu_named(self, "&View")
        for place in self._dock_places:
            self.view_menu.addAction(place.dock.toggleViewAction())
        self._view_separator = self.view_menu.addSeparator()
        self.reset_layout_action = QAction("Reset &layout", self)
        self.reset_layout_action.setStatusTip(
            "Put every panel back where it was at first, at sizes fitting this window")
        self.reset_layout_action.triggered.connect(lambda _checked=False: self.reset_layout())
        self.addAction(self.reset_layout_action)
        self.view_menu.addAction(self.reset_layout_action)

    def _set_layout_actions(self, on: bool) -> None:
        for place in self._dock_places:
            place.dock.toggleViewAction().setEnabled(on)
        self.reset_layout_action.setEnabled(on)

    # -- default layout -------------------------------------------------------------------
    def reset_layout(self: QMainWindow) -> None:
        """Every dock back in its first place, docked, shown or hidden as at first."""
        places = self._dock_places
        for place in places:
            place.dock.setFloating(False)
            self.removeDockWidget(place.dock)
        for place in places:
            self.addDockWidget(place.area, place.dock)
            if place.tab_with is not None:
                self.tabifyDockWidget(place.tab_with, place.dock)
            place.dock.setVisible(place.shown and self.session is not None)
        for place in places:
            if place.tab_with is None and place.shown:
                place.dock.raise_()
        for bar in self.findChildren(QToolBar):
            if self.toolBarArea(bar) != Qt.ToolBarArea.TopToolBarArea or bar.isHidden():
                self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
                bar.show()
        self.default_dock_sizes()
        QTimer.singleShot(0, self.default_dock_sizes)  # once the layout has settled

    def dock_room(self: QMainWindow) -> int:
        """The height between the toolbars and the status bar: what docks and the reader
        share."""
        top = max((bar.geometry().bottom() + 1 for bar in self.findChildren(QToolBar)
                   if bar.isVisible() and self.toolBarArea(bar) == Qt.ToolBarArea.TopToolBarArea),
                  default=self.menuBar().geometry().bottom() + 1)
        bottom = self.statusBar().geometry().top() if self.statusBar().isVisible() \
            else self.height()
        return max(0, bottom - top)

    def default_dock_sizes(self: QMainWindow) -> None:
        """Sizes fitting the window: narrow navigator and side panel, the lists a third
        of the height (never less than their minimum), the reader the rest."""
        left = [p.dock for p in self._dock_places
                if p.area == Area.LeftDockWidgetArea and p.tab_with is None]
        right = [p.dock for p in self._dock_places
                 if p.area == Area.RightDockWidgetArea and p.tab_with is None]
        wide = self.width() >= 1600
        sizes = [(d, 220 if wide else 190) for d in left] + \
                [(d, 340 if wide else 290) for d in right]
        if sizes:
            self.resizeDocks([d for d, _ in sizes], [s for _, s in sizes],
                             Qt.Orientation.Horizontal)
        top = [p.dock for p in self._dock_places
               if p.area == Area.TopDockWidgetArea and p.tab_with is None]
        if top:
            want = max(top[0].minimumSizeHint().height(), int(self.dock_room() * 0.34))
            self.resizeDocks(top, [want], Qt.Orientation.Vertical)

    def open_bottom_dock(self: QMainWindow, dock: QDockWidget) -> None:
        """Show a bottom dock at a useful height that leaves the reader its minimum and
        the lists above it their rows."""
        dock.show()
        dock.raise_()
        if dock.isFloating() or self.dockWidgetArea(dock) != Area.BottomDockWidgetArea:
            return
        taken = sum(d.height() for d in self._docked_in(Area.TopDockWidgetArea))
        below_lists = self.dock_room() - taken
        # The reader and the dock share what the lists leave, the dock at most 40 % of
        # the window, and the reader never less than its minimum.
        want = min(int(self.height() * BOTTOM_SHARE), below_lists // 2,
                   below_lists - READER_MIN_HEIGHT - 16)
        want = max(BOTTOM_MIN_HEIGHT, want)
        if abs(dock.height() - want) > 4:
            self.resizeDocks([dock], [want], Qt.Orientation.Vertical)

    def _docked_in(self: QMainWindow, area: Qt.DockWidgetArea) -> list[QDockWidget]:
        """The visible docks of ``area``, one per tab group (tabs share one height)."""
        seen: list[QDockWidget] = []
        for dock in self.findChildren(QDockWidget):
            if (dock.isVisible() and not dock.isFloating()
                    and self.dockWidgetArea(dock) == area
                    and not any(dock in self.tabifiedDockWidgets(s) for s in seen)):
                seen.append(dock)
        return seen

    # -- with and without a case ------------------------------------------------------------
    def _show_docks(self: QMainWindow, on: bool) -> None:
        """Docks step aside for the welcome page without a case and come back as they were
        when one opens."""
        if on:
            if self._case_layout is not None and self.restoreState(self._case_layout,
                                                                   LAYOUT_VERSION):
                return
            for place in self._dock_places:
                place.dock.setVisible(place.shown)
            QTimer.singleShot(0, self.default_dock_sizes)
            return
        if any(d.isVisible() for d in self.docks):
            self._case_layout = self.saveState(LAYOUT_VERSION)
        for dock in self.findChildren(QDockWidget):
            dock.hide()

    # -- memory -------------------------------------------------------------------------------
    def restore_layout(self: QMainWindow) -> None:
        """The window's geometry and docks as they were when it last closed. Called again
        by whoever adds docks later (the state is only applied to docks that exist)."""
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self._fit_screen()
        state = self.settings.value("window_state")
        if isinstance(state, QByteArray) and not state.isEmpty() \
                and self.restoreState(state, LAYOUT_VERSION):
            self._case_layout = state
        splitter = self.settings.value("reader_splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.reader.splitter.restoreState(splitter)
        if self.session is None:
            for dock in self.findChildren(QDockWidget):
                dock.hide()

    def _fit_screen(self: QMainWindow) -> None:
        """The first start: the window's default size, made to fit a small screen (on a
        1366x768 laptop 1280x800 ran below the bottom edge), centred."""
        screen = self.screen()
        if screen is None:
            return
        room = screen.availableGeometry()
        # Room for the frame and title bar a window manager adds (unknown before show).
        width = min(self.width(), room.width() - 16)
        height = min(self.height(), room.height() - 48)
        self.resize(width, height)
        self.move(room.left() + (room.width() - width) // 2,
                  room.top() + (room.height() - height) // 2)

    def save_layout(self: QMainWindow) -> None:
        self.settings.set_value("geometry", self.saveGeometry())
        state = self.saveState(LAYOUT_VERSION) if self.session is not None \
            else self._case_layout
        if state is not None:
            self.settings.set_value("window_state", state)
        self.settings.set_value("reader_splitter", self.reader.splitter.saveState())
